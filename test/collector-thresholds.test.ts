import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IMPORTANCE_NAMES, type Importance } from "../schemas/importance";
import { ingestThenRunAlarm } from "./helpers/alarms";
import { readArchives } from "./helpers/archive";
import { collector, testDay } from "./helpers/collector";
import { wireEvents } from "./helpers/wire-events";

// Crossing an importance's rows or bytes threshold flushes that importance at once (the alarm is
// moved to now); below both, events wait for the interval alarm. Defaults: CRITICAL 10 / 1 MiB,
// HIGH 100 / 10 MiB, NORMAL 1,000 / 50 MiB, LOW 5,000 / 100 MiB; FLUSH_INTERVAL_SECONDS 30.
const MiB = 1024 * 1024;
const INTERVAL_MS = 30_000;
const ROWS: Record<Importance, number> = { 0: 10, 1: 100, 2: 1_000, 3: 5_000 };

describe("rows thresholds", () => {
  for (const level of [0, 1, 2, 3] as const) {
    it(`${IMPORTANCE_NAMES[level]}: ${ROWS[level]} events flush that importance at once; ${ROWS[level] - 1} wait for the interval`, async () => {
      const { timestamp, prefix } = testDay(10 + level);
      const stub = collector(`rows-threshold-${level}`);

      const below = await ingestThenRunAlarm(stub, wireEvents(ROWS[level] - 1, { importance: level, timestamp }));
      const buffered = (await stub.stats()).buffered[IMPORTANCE_NAMES[level]];
      expect(buffered.events).toBe(ROWS[level] - 1);
      expect(below.alarmAt).toBe(Date.parse(buffered.oldestReceivedAt!) + INTERVAL_MS);
      // Even an early alarm writes nothing for a buffer that is neither full nor old enough.
      expect(await readArchives(env.ARCHIVE, prefix)).toEqual([]);

      const crossing = await ingestThenRunAlarm(stub, wireEvents(1, { importance: level, timestamp }));
      // Due now: the alarm is not in the future once ingest has answered.
      expect(crossing.alarmAt).not.toBeNull();
      expect(crossing.alarmAt!).toBeLessThanOrEqual(crossing.answeredAt);

      const archives = await readArchives(env.ARCHIVE, prefix);
      expect(archives.map((a) => [a.key.split("/")[2], a.events.length])).toEqual([[`importance-${level}`, ROWS[level]]]);
      expect((await stub.stats()).buffered[IMPORTANCE_NAMES[level]].events).toBe(0);
    });
  }

  it("flushes only the importance that crossed its threshold", async () => {
    const { timestamp, prefix } = testDay(20);
    const stub = collector("rows-threshold-only-that-importance");
    const events = [
      ...wireEvents(5, { importance: 2, timestamp }),
      ...wireEvents(10, { importance: 0, timestamp }),
      ...wireEvents(3, { importance: 3, timestamp }),
    ];
    await ingestThenRunAlarm(stub, events);

    const archives = await readArchives(env.ARCHIVE, prefix);
    expect(archives.map((a) => a.key.split("/")[2])).toEqual(["importance-0"]);
    const { buffered } = await stub.stats();
    expect([buffered.CRITICAL.events, buffered.NORMAL.events, buffered.LOW.events]).toEqual([0, 5, 3]);
  });
});

describe("bytes thresholds", () => {
  it("CRITICAL: 1 MiB in fewer than 10 events flushes at once; just under 1 MiB waits", async () => {
    const { timestamp, prefix } = testDay(30);
    const stub = collector("bytes-threshold-critical");

    // 8 × 120 kB = 0.92 MiB: under both thresholds.
    const below = await ingestThenRunAlarm(stub, wireEvents(8, { importance: 0, timestamp, bytes: 120_000 }));
    const { buffered } = await stub.stats();
    expect(buffered.CRITICAL.events).toBe(8);
    expect(buffered.CRITICAL.bytes).toBeLessThan(MiB);
    expect(below.alarmAt).toBe(Date.parse(buffered.CRITICAL.oldestReceivedAt!) + INTERVAL_MS);
    expect(await readArchives(env.ARCHIVE, prefix)).toEqual([]);

    // A ninth event passes 1 MiB while still under 10 events: the bytes threshold decides.
    const crossing = await ingestThenRunAlarm(stub, wireEvents(1, { importance: 0, timestamp, bytes: 120_000 }));
    expect(crossing.alarmAt!).toBeLessThanOrEqual(crossing.answeredAt);
    const archives = await readArchives(env.ARCHIVE, prefix);
    expect(archives).toHaveLength(1);
    expect(archives[0]!.events).toHaveLength(9);
    expect(archives[0]!.size).toBeGreaterThanOrEqual(MiB);
  });
});
