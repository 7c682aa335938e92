import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../collector-do/store/migrations";
import type { TailCollector } from "../collector-do/tail-collector";
import type { WireEvent } from "../schemas/collector-rpc";
import { readArchives } from "./helpers/archive";
import { collector } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// A collector deployed before schema versions kept its buffer in yesterday's tables. The new code
// must upgrade them in place on start: nothing buffered lost, nothing archived twice, counters as
// they were. Yesterday's storage is written here with yesterday's DDL and rows, literally.
const V1_DDL = [
  `CREATE TABLE buffer (
    seq INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    ids TEXT NOT NULL,
    tally TEXT NOT NULL,
    n0 INTEGER NOT NULL DEFAULT 0, b0 INTEGER NOT NULL DEFAULT 0, t0 INTEGER, u0 INTEGER, body0 TEXT,
    n1 INTEGER NOT NULL DEFAULT 0, b1 INTEGER NOT NULL DEFAULT 0, t1 INTEGER, u1 INTEGER, body1 TEXT,
    n2 INTEGER NOT NULL DEFAULT 0, b2 INTEGER NOT NULL DEFAULT 0, t2 INTEGER, u2 INTEGER, body2 TEXT,
    n3 INTEGER NOT NULL DEFAULT 0, b3 INTEGER NOT NULL DEFAULT 0, t3 INTEGER, u3 INTEGER, body3 TEXT
  )`,
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  `CREATE TABLE pending_flush (
    key TEXT PRIMARY KEY,
    importance INTEGER NOT NULL,
    day TEXT NOT NULL,
    up_to_seq INTEGER NOT NULL
  )`,
  "CREATE TABLE flushed_ids (at INTEGER NOT NULL, ids TEXT NOT NULL)",
];

const DAY = "2004-06-07";
const T = Date.parse(`${DAY}T10:20:00Z`);

/** One importance's columns as yesterday's code wrote them: n, b (UTF-8 bytes and commas), t, u, body. */
function slice(events: readonly WireEvent[]): unknown[] {
  if (events.length === 0) return [0, 0, null, null, null];
  const bytes = events.reduce((sum, e) => sum + new TextEncoder().encode(e.json).length, 0) + events.length - 1;
  const times = events.map((e) => e.timestamp);
  return [events.length, bytes, Math.min(...times), Math.max(...times), events.map((e) => e.json).join(",")];
}

function v1Row(seq: number, receivedAt: number, levels: [WireEvent[], WireEvent[], WireEvent[], WireEvent[]], tally: object): unknown[] {
  const ids = levels.flat().map((e) => e.id);
  return [seq, DAY, receivedAt, ids.join(","), JSON.stringify(tally), ...levels.flatMap(slice)];
}

describe("a collector started on yesterday's tables", () => {
  it("upgrades them in place: every buffered event archived once, counters intact, retries still recognised", async () => {
    const name = "upgrade-from-v1";
    const now = Date.now();
    const critical = wireEvents(1, { importance: 0, timestamp: T });
    const normal = wireEvents(3, { importance: 2, timestamp: T });
    // Two LOW events of one call on both sides of 11:00: one row, two hours.
    const low = [
      ...wireEvents(1, { importance: 3, timestamp: Date.parse(`${DAY}T10:59:59Z`) }),
      ...wireEvents(1, { importance: 3, timestamp: Date.parse(`${DAY}T11:00:01Z`) }),
    ];
    const high = wireEvents(1, { importance: 1, timestamp: T });
    const text = { text: 0, namespaces: {} };
    const rows = [
      v1Row(1, now - 5_000, [critical, [], normal.slice(0, 2), []], { text: 0, namespaces: { AI: 1 } }),
      v1Row(2, now - 4_000, [[], [], normal.slice(2), low], text),
      // After countersSeq: its counts live only in its tally.
      v1Row(3, now - 3_000, [[], high, [], []], { text: 1, namespaces: { Financial: 1 } }),
    ];
    // Yesterday's NORMAL flush wrote its object, then the object died before committing.
    const plannedKey = `tail-events/${DAY}/importance-2/10-20-oldplan1.json`;
    await env.ARCHIVE.put(plannedKey, `[${normal.map((e) => e.json).join(",")}]`);
    const counters = {
      received: 6,
      receivedByImportance: { 0: 1, 1: 0, 2: 3, 3: 2 },
      archived: 1,
      archivedByImportance: { 0: 1, 1: 0, 2: 0, 3: 0 },
      keptAsText: 0,
      byNamespace: { AI: 1 },
      duplicates: 4,
      rejected: 0,
      objectsWritten: 1,
      bytesWritten: 500,
      flushFailures: 0,
      lastFlushAt: now - 60_000,
      lastError: null,
    };
    const state = { watermarks: { 0: 1, 1: 0, 2: 0, 3: 0 }, countersSeq: 2, counters, unreportedShed: null };

    const stub = collector(name);
    await runInDurableObject(stub, (_instance: TailCollector, storage) => {
      const sql = storage.storage.sql;
      for (const table of ["buffer", "meta"]) sql.exec(`DROP TABLE IF EXISTS ${table}`);
      for (const statement of V1_DDL) sql.exec(statement);
      for (const row of rows) sql.exec(`INSERT INTO buffer VALUES (${row.map(() => "?").join(", ")})`, ...row);
      sql.exec("INSERT INTO meta (key, value) VALUES ('state', ?)", JSON.stringify(state));
      sql.exec("INSERT INTO pending_flush VALUES (?, 2, ?, 2)", plannedKey, DAY);
      sql.exec("INSERT INTO flushed_ids VALUES (?, ?)", now - 10_000, "gone-1,gone-2");
      sql.exec("INSERT INTO flushed_ids VALUES (?, ?)", now - 20 * 60_000, "ancient-1");
    });
    await evictDurableObject(stub);

    const upgraded = collector(name);
    const before = await upgraded.stats();
    expect(before.counters).toMatchObject({ received: 7, archived: 1, duplicates: 4, keptAsText: 1, byNamespace: { AI: 1, Financial: 1 } });
    expect([
      before.buffered.CRITICAL.events,
      before.buffered.HIGH.events,
      before.buffered.NORMAL.events,
      before.buffered.LOW.events,
    ]).toEqual([0, 1, 3, 2]);

    const report = await upgraded.flush();
    expect(report.errors).toEqual([]);
    const archives = await readArchives(env.ARCHIVE, `tail-events/${DAY}/`);
    // The recorded plan is replayed under its own key: overwritten, not written twice.
    const byKey = Object.fromEntries(archives.map((a) => [a.key.split("/").slice(2).join("/").slice(0, 18), a.events.map((e) => e.id)]));
    expect(byKey).toEqual({
      "importance-1/10-20": high.map((e) => e.id),
      "importance-2/10-20": normal.map((e) => e.id),
      "importance-3/10-59": [low[0]!.id],
      "importance-3/11-00": [low[1]!.id],
    });
    expect(archives.find((a) => a.key.includes("importance-2"))!.key).toBe(plannedKey);

    const after = await upgraded.stats();
    expect(after.counters).toMatchObject({ received: 7, archived: 7, objectsWritten: 5 });
    // Ids flushed yesterday within the window are still recognised; older ones are not.
    const retried = wireEvents(2, { importance: 2, timestamp: T }).map((e, i) => ({ ...e, id: ["gone-1", "ancient-1"][i]! }));
    expect(await upgraded.ingest({ events: retried })).toEqual({ accepted: 1, duplicates: 1, shed: 0 });

    const tables = await runInDurableObject(upgraded, (_instance: TailCollector, storage) => ({
      names: storage.storage.sql
        .exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .toArray()
        .map((r) => String(r.name)),
      version: storage.storage.sql.exec("SELECT value FROM meta WHERE key = 'schema_version'").one().value,
    }));
    expect(tables.names.filter((n) => !n.startsWith("_cf"))).toEqual(["basin_outbox", "buffer", "meta"]);
    expect(tables.version).toBe(String(SCHEMA_VERSION));
  });
});
