import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { EVENT_COLUMNS } from "./events-view.mjs";
import { SQL_EXAMPLES } from "./examples.mjs";

// The README shows the SQL that test/archive-sql.test.ts proves, and the view the CLI builds:
// both are checked here against the modules they come from, so neither can drift.

const README = await readFile(new URL("../../../README.md", import.meta.url), "utf8");

describe("README, SQL over the archive", () => {
  it("shows every example query exactly as the tests run it", () => {
    for (const example of SQL_EXAMPLES)
      assert.ok(README.includes(`${example.question}:\n\n\`\`\`sql\n${example.sql}\n\`\`\``), example.name);
  });

  it("lists every column of the events view with its type", () => {
    // Table rows as their trimmed cells (the formatter pads them).
    const rows = README.split("\n")
      .filter((line) => line.startsWith("|"))
      .map((line) =>
        line
          .split("|")
          .slice(1, -1)
          .map((cell) => cell.trim())
          .join("|"),
      );
    for (const [name, type, holds] of EVENT_COLUMNS) assert.ok(rows.includes(`\`${name}\`|${type}|${holds}`), name);
  });
});
