import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { BASIN_SQL_EXAMPLES } from "./basin-examples.mjs";
import { EVENT_COLUMNS } from "./events-view.mjs";
import { SQL_EXAMPLES } from "./examples.mjs";

// The README shows the SQL that test/archive-sql.test.ts proves, and the view the CLI builds:
// both are checked here against the modules they come from, so neither can drift.

const README = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
const STREAM_SCHEMA = JSON.parse(await readFile(new URL("../../../schemas/basin/stream-schema.json", import.meta.url), "utf8"));

/** Table rows of the README as their trimmed cells joined by | (the formatter pads them). */
const tableRows = () =>
  README.split("\n")
    .filter((line) => line.startsWith("|"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim())
        .join("|"),
    );

describe("README, SQL over the archive", () => {
  it("shows every example query exactly as the tests run it", () => {
    for (const example of SQL_EXAMPLES)
      assert.ok(README.includes(`${example.question}:\n\n\`\`\`sql\n${example.sql}\n\`\`\``), example.name);
  });

  it("lists every column of the events view with its type", () => {
    const rows = tableRows();
    for (const [name, type, holds] of EVENT_COLUMNS) assert.ok(rows.includes(`\`${name}\`|${type}|${holds}`), name);
  });
});

describe("README, SQL at scale: Basin", () => {
  it("shows every Basin SQL example exactly as basin-examples.mjs holds it, one for each question of the DuckDB examples", () => {
    for (const example of BASIN_SQL_EXAMPLES)
      assert.ok(README.includes(`${example.question}:\n\n\`\`\`sql\n${example.sql}\n\`\`\``), example.name);
    const basin = new Set(BASIN_SQL_EXAMPLES.map((e) => e.name));
    for (const example of SQL_EXAMPLES) assert.ok(basin.has(example.name), `no Basin SQL for ${example.name}`);
  });

  it("lists every field of the stream's schema file with its type, and no other", () => {
    const rows = tableRows();
    const unit = { millisecond: "ms", second: "s", microsecond: "µs", nanosecond: "ns" };
    for (const field of STREAM_SCHEMA.fields) {
      const type = `${field.type}${field.unit ? ` (${unit[field.unit]})` : ""}${field.required ? ", required" : ""}`;
      assert.ok(
        rows.some((row) => row.startsWith(`\`${field.name}\`|${type}|`)),
        `${field.name}: ${type}`,
      );
    }
    const start = README.indexOf("### SQL at scale: Basin");
    const listed = README.slice(start, README.indexOf("**Delivery.**", start)).match(/^\| `[a-z_]+`/gm);
    assert.equal(listed.length, STREAM_SCHEMA.fields.length);
  });
});
