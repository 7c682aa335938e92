import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseSqlArgs, sqlCommand } from "./sql-command.mjs";
import { standInDoTail } from "./stand-in-do-tail.mjs";

// `npm run archives -- sql` against a stand-in do-tail: what is downloaded and when, what DuckDB
// answers over the mirror, how rows are printed, and the exit status of each failure.

const ARCHIVES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "archives.mjs");
const DAY1 = "tail-events/2031-03-14";
const DAY2 = "tail-events/2031-03-15";
const at = (iso) => Date.parse(iso);

let seq = 0;
function event(type, iso, data = {}, extra = {}) {
  const n = ++seq;
  return {
    id: `inv${n}-1`,
    invocationId: `inv${n}`,
    type,
    kind: "log",
    importance: 2,
    timestamp: at(iso),
    script: "api",
    namespace: null,
    data,
    ...extra,
  };
}

function capture(isTTY = false) {
  let text = "";
  return {
    isTTY,
    write(chunk) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

/** Runs the command in-process; answers its status, stdout and stderr. */
async function run(args, env = {}) {
  const out = capture();
  const err = capture();
  const status = await sqlCommand(args, { out, err, env });
  return { status, out: out.text, err: err.text };
}

/** Runs `node scripts/archives.mjs sql …` as a user would; answers its status, stdout and stderr. */
function spawnCli(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ARCHIVES, "sql", ...args], { env: { ...process.env, DO_TAIL_TOKEN: "", ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.stderr.on("data", (chunk) => (err += chunk));
    child.on("close", (status) => resolve({ status, out, err }));
  });
}

/** A loopback port nothing listens on. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const ndjson = (text) =>
  text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe("archives sql: mirroring", () => {
  let doTail;
  let cache;
  before(async () => {
    doTail = await standInDoTail({ pageSize: 2 });
    cache = await mkdtemp(join(tmpdir(), "do-tail-sql-"));
  });
  after(async () => {
    await doTail.close();
    await rm(cache, { recursive: true, force: true });
  });
  const query = (sql, ...more) => run([sql, "--url", doTail.url, "--cache", cache, "--format", "ndjson", ...more]);

  it("downloads every object once, then only new and changed ones, and drops what is no longer listed", async () => {
    doTail.put(`${DAY1}/importance-2/09-00-a.json`, [event("run_complete", "2031-03-14T09:00:00Z", { durationMs: 10 })]);
    doTail.put(`${DAY1}/importance-1/09-30-b.json`, [event("run_complete", "2031-03-14T09:30:00Z", { durationMs: 20 })]);
    doTail.put(`${DAY2}/importance-2/10-00-c.json`, [
      event("run_complete", "2031-03-15T10:00:00Z", { durationMs: 30 }),
      event("heartbeat", "2031-03-15T10:01:00Z", { status: "up" }),
    ]);
    const sql = "SELECT type, count(*) AS n, sum((data->>'durationMs')::INTEGER) AS ms FROM events GROUP BY type ORDER BY type";

    const first = await query(sql);
    assert.equal(first.status, 0, first.err);
    assert.deepEqual(ndjson(first.out), [
      { type: "heartbeat", n: 1, ms: null },
      { type: "run_complete", n: 3, ms: 60 },
    ]);
    assert.match(first.err, /3 objects in range: 3 fetched/);
    assert.deepEqual([...doTail.downloads.values()], [1, 1, 1]);

    // Nothing new: nothing downloaded, same answer.
    const second = await query(sql);
    assert.equal(second.out, first.out);
    assert.match(second.err, /3 objects in range: 0 fetched \(0 B\), 3 already in/);
    assert.deepEqual([...doTail.downloads.values()], [1, 1, 1]);

    // A replayed flush with the same bytes is not fetched again; new content, a new object are.
    doTail.put(`${DAY1}/importance-2/09-00-a.json`, [event("run_complete", "2031-03-14T09:00:00Z", { durationMs: 15 })]);
    doTail.put(`${DAY2}/importance-3/11-00-d.json`, [event("run_complete", "2031-03-15T11:00:00Z", { durationMs: 40 })]);
    doTail.remove(`${DAY1}/importance-1/09-30-b.json`);
    const third = await query(sql);
    assert.deepEqual(ndjson(third.out), [
      { type: "heartbeat", n: 1, ms: null },
      { type: "run_complete", n: 3, ms: 85 },
    ]);
    assert.match(third.err, /3 objects in range: 2 fetched .*1 already in .*1 no longer listed removed/);
    assert.equal(doTail.downloads.get(`${DAY1}/importance-2/09-00-a.json`), 2);
    assert.equal(doTail.downloads.get(`${DAY2}/importance-2/10-00-c.json`), 1);
    const manifest = JSON.parse(await readFile(join(cache, new URL(doTail.url).host.replace(":", "_"), "manifest.json"), "utf8"));
    assert.deepEqual(Object.keys(manifest.objects).sort(), [
      `${DAY1}/importance-2/09-00-a.json`,
      `${DAY2}/importance-2/10-00-c.json`,
      `${DAY2}/importance-3/11-00-d.json`,
    ]);
  });

  it("bounds the mirror and the events by --since/--until", async () => {
    doTail.put(`tail-events/2031-03-10/importance-2/08-00-old.json`, [event("run_complete", "2031-03-10T08:00:00Z", { durationMs: 1 })]);
    const before = doTail.downloads.get(`tail-events/2031-03-10/importance-2/08-00-old.json`) ?? 0;
    const { status, out, err } = await query(
      "SELECT count(*) AS n, min(timestamp) AS first, max(timestamp) AS last FROM events",
      "--since",
      "2031-03-15T00:00:00Z",
      "--until",
      "2031-03-15T10:30:00Z",
    );
    assert.equal(status, 0, err);
    // Day 2 only, and of its events only those up to 10:30 (the 11:00 object is not even listed).
    assert.deepEqual(ndjson(out), [{ n: 2, first: "2031-03-15T10:00:00.000Z", last: "2031-03-15T10:01:00.000Z" }]);
    assert.match(err, /1 objects in range/);
    assert.equal(doTail.downloads.get(`tail-events/2031-03-10/importance-2/08-00-old.json`) ?? 0, before);
  });

  it("skips objects DuckDB cannot read, says which and why, and answers from the rest", async () => {
    const bad = `${DAY2}/importance-2/12-00-bad.json`;
    doTail.put(bad, `[{"id":"x-1","type":"console.log","timestamp":${at("2031-03-15T12:00:00Z")},"text":"\\ud800 alone","data":{}}]`);
    const broken = `${DAY2}/importance-2/12-01-broken.json`;
    doTail.put(broken, `[{"id":"y-1","type":"console.log"`);
    const { status, out, err } = await query("SELECT count(*) AS n FROM events", "--since", "2031-03-15");
    assert.equal(status, 0, err);
    assert.deepEqual(ndjson(out), [{ n: 3 }]);
    assert.match(err, /skipped 2 of 4 objects that DuckDB cannot read/);
    assert.match(err, new RegExp(`${bad}: .*surrogate`));
    assert.match(err, new RegExp(`${broken}: `));
    // The verdict is kept: the next run reports it again without downloading the objects again.
    const again = await query("SELECT count(*) AS n FROM events", "--since", "2031-03-15");
    assert.match(again.err, /skipped 2 of 4/);
    assert.equal(doTail.downloads.get(bad), 1);
  });

  it("--offline answers from the cache without asking do-tail", async () => {
    const { status, out, err } = await run([
      "SELECT count(*) AS n FROM events WHERE type = 'heartbeat'",
      "--url",
      `http://127.0.0.1:${await closedPort()}`,
      "--cache",
      cache,
      "--offline",
      "--format",
      "json",
    ]);
    // Nothing is cached for that host: an empty view, not an error.
    assert.equal(status, 0, err);
    assert.deepEqual(JSON.parse(out), [{ n: 0 }]);
    const cached = await query("SELECT count(*) AS n FROM events WHERE type = 'heartbeat'", "--offline");
    assert.deepEqual(ndjson(cached.out), [{ n: 1 }]);
  });
});

describe("archives sql: mirroring from a do-tail that lists no etag", () => {
  let doTail;
  let cache;
  before(async () => {
    doTail = await standInDoTail({ etags: false, delayMs: 20 });
    cache = await mkdtemp(join(tmpdir(), "do-tail-sql-"));
  });
  after(async () => {
    await doTail.close();
    await rm(cache, { recursive: true, force: true });
  });

  it("tells changes by size and upload time, and downloads at most --concurrency objects at once", async () => {
    const beats = Array.from({ length: 12 }, () => [event("heartbeat", "2031-03-14T10:00:00Z")]);
    for (const [i, beat] of beats.entries()) doTail.put(`${DAY1}/importance-2/10-${String(i).padStart(2, "0")}-k${i}.json`, beat);
    const args = ["SELECT count(*) AS n FROM events", "--url", doTail.url, "--cache", cache, "--concurrency", "3"];
    const first = await run(args);
    assert.equal(first.status, 0, first.err);
    assert.deepEqual(ndjson(first.out), [{ n: 12 }]);
    assert.equal(doTail.mostAtOnce(), 3);
    // Rewritten with the same bytes: a new upload time, so fetched again; the others are not.
    doTail.put(`${DAY1}/importance-2/10-00-k0.json`, beats[0]);
    const second = await run(args);
    assert.match(second.err, /12 objects in range: 1 fetched .*11 already in/);
    assert.equal(doTail.downloads.get(`${DAY1}/importance-2/10-00-k0.json`), 2);
    assert.equal(doTail.downloads.get(`${DAY1}/importance-2/10-01-k1.json`), 1);
  });
});

describe("archives sql: output", () => {
  let doTail;
  let cache;
  before(async () => {
    doTail = await standInDoTail();
    cache = await mkdtemp(join(tmpdir(), "do-tail-sql-"));
    doTail.put(`${DAY1}/importance-2/09-00-a.json`, [
      event(
        "run_complete",
        "2031-03-14T09:00:00.250Z",
        { durationMs: 1234, capsuleId: "cap_1", note: 'said "hi", then\nleft' },
        { sampleRate: 4 },
      ),
      event("run_complete", "2031-03-14T09:00:01Z", { durationMs: 7, capsuleId: "cap_2" }),
    ]);
  });
  after(async () => {
    await doTail.close();
    await rm(cache, { recursive: true, force: true });
  });
  const SQL =
    "SELECT data->>'capsuleId' AS capsule, (data->>'durationMs')::INTEGER AS ms, sampleRate, timestamp, data->'note' AS note, count(*) OVER () AS total FROM events ORDER BY ms DESC";
  const as = (format) => run([SQL, "--url", doTail.url, "--cache", cache, "--format", format]);

  it("ndjson and json: typed values, JSON columns as JSON, times in ISO 8601 UTC", async () => {
    const rows = [
      { capsule: "cap_1", ms: 1234, sampleRate: 4, timestamp: "2031-03-14T09:00:00.250Z", note: 'said "hi", then\nleft', total: 2 },
      { capsule: "cap_2", ms: 7, sampleRate: 1, timestamp: "2031-03-14T09:00:01.000Z", note: null, total: 2 },
    ];
    assert.deepEqual(ndjson((await as("ndjson")).out), rows);
    assert.deepEqual(JSON.parse((await as("json")).out), rows);
  });

  it("csv: a header, quoted fields where needed", async () => {
    const { out } = await as("csv");
    assert.equal(
      out,
      'capsule,ms,sampleRate,timestamp,note,total\r\ncap_1,1234,4,2031-03-14T09:00:00.250Z,"said ""hi"", then\nleft",2\r\ncap_2,7,1,2031-03-14T09:00:01.000Z,,2\r\n',
    );
  });

  it("table: aligned columns, numbers to the right, NULL shown, a row count", async () => {
    const { out } = await as("table");
    const lines = out.trimEnd().split("\n");
    assert.match(lines[0], /^capsule\s+ms\s+sampleRate\s+timestamp\s+note\s+total$/);
    assert.match(lines[1], /^-+ {2}-+/);
    assert.equal(lines[2].indexOf("1234") + 4, lines[3].indexOf("  7") + 3, "numbers are right-aligned");
    assert.match(lines[3], /NULL/);
    assert.equal(lines.at(-1), "(2 rows)");
    // Every data line is as wide as the header's columns make it.
    assert.equal(new Set(lines.slice(2, 4).map((l) => l.indexOf("2031-03-14"))).size, 1);
  });

  it("defaults to a table on a terminal and NDJSON in a pipe", () => {
    assert.equal(parseSqlArgs(["SELECT 1"], {}, 0, true).options.format, "table");
    assert.equal(parseSqlArgs(["SELECT 1"], {}, 0, false).options.format, "ndjson");
  });
});

describe("archives sql: failures and exit status", () => {
  let doTail;
  let cache;
  before(async () => {
    doTail = await standInDoTail({ token: "t0ps3cret-t0ps3cret" });
    cache = await mkdtemp(join(tmpdir(), "do-tail-sql-"));
    doTail.put(`${DAY1}/importance-2/09-00-a.json`, [event("run_complete", "2031-03-14T09:00:00Z", { durationMs: 5 })]);
  });
  after(async () => {
    await doTail.close();
    await rm(cache, { recursive: true, force: true });
  });

  it("prints rows through scripts/archives.mjs, with the token from DO_TAIL_TOKEN", async () => {
    const { status, out, err } = await spawnCli(["SELECT count(*) AS n FROM events", "--url", doTail.url, "--cache", cache], {
      DO_TAIL_TOKEN: "t0ps3cret-t0ps3cret",
    });
    assert.equal(status, 0, err);
    assert.deepEqual(ndjson(out), [{ n: 1 }]);
  });

  it("exits 2 with DuckDB's message for SQL it refuses", async () => {
    const parse = await spawnCli(["SELEC count(*) FROM events", "--url", doTail.url, "--cache", cache, "--token", "t0ps3cret-t0ps3cret"]);
    assert.equal(parse.status, 2);
    assert.match(parse.err, /Parser Error: syntax error at or near "SELEC"/);
    assert.equal(parse.out, "");
    const bind = await run(["SELECT nope FROM events", "--url", doTail.url, "--cache", cache, "--token", "t0ps3cret-t0ps3cret"]);
    assert.equal(bind.status, 2);
    assert.match(bind.err, /Binder Error: Referenced column "nope" not found/);
  });

  it("exits 1 when do-tail is unreachable or refuses the token", async () => {
    const down = await spawnCli(["SELECT 1", "--url", `http://127.0.0.1:${await closedPort()}`, "--cache", cache]);
    assert.equal(down.status, 1);
    assert.match(down.err, /do-tail is unreachable at http:\/\/127\.0\.0\.1:\d+/);
    const refused = await run(["SELECT 1", "--url", doTail.url, "--cache", cache, "--token", "wrong-wrong-wrong-wrong"]);
    assert.equal(refused.status, 1);
    assert.match(refused.err, /not authorised \(401\)/);
  });

  it("exits 2 on bad arguments", async () => {
    for (const args of [
      [],
      ["SELECT 1", "--format", "xml"],
      ["SELECT 1", "--since", "yesterday"],
      ["SELECT 1", "SELECT 2"],
      ["SELECT 1", "--url", "nope"],
    ]) {
      const { status, err } = await run(args);
      assert.equal(status, 2, `${args.join(" ")}: ${err}`);
      assert.match(err, /^archives: /);
    }
  });

  it("reads a relative --since as a time, not as an option", () => {
    const now = Date.UTC(2031, 2, 14, 12);
    assert.deepEqual(parseSqlArgs(["SELECT 1", "--since", "-1h"], {}, now).options.range, { since: now - 3_600_000, until: undefined });
  });
});
