import { countingBucket } from "../../bench/counting-bucket";
import { type MixTraceItem, realisticInvocations } from "../../bench/realistic-mix";
import { FlushContribution } from "../../collector-do/rollups/flush-contribution";
import { RollupBook } from "../../collector-do/rollups/rollup-book";
import { RollupWriter } from "../../collector-do/rollups/rollup-writer";
import { HOUR_MS, utcHourStart } from "../../schemas/archive/partition";
import { loadConfig } from "../../schemas/config/config";
import type { Env } from "../../schemas/config/env";
import type { EventEnvelope } from "../../schemas/event-envelope";
import { HourRollup } from "../../schemas/rollup/hour-rollup";
import type { BusyObject } from "../../scripts/lib/busy-day.mjs";
import { toWireEvents } from "../../tail-worker/tail-handler";

/**
 * A week at the documented capacity (docs/CAPACITY.md: 5 shards × 5,000 events/s, 10 events per
 * invocation, the benchmark's realistic mix through the real tail path), in rollup form: each
 * shard's hours are built by the collectors' own rollup code (HourRollup, RollupBook,
 * RollupWriter) from synthetic flushes, one a minute, of template events each standing for
 * SCALE events; plus the busy day's archive objects (scripts/lib/busy-day.mjs), counted by the
 * same code as further flushes of their shards. 17 million archive objects cannot be written
 * here; their rollups can, and counts read only rollups.
 *
 * `syntheticEvents` replays exactly the events the rollups were built from, so tests count them
 * independently of the rollup code.
 */
/** Hours of rollups: a 7-day window from any minute of the hour after the week's end still starts in the first. */
export const WEEK_HOURS = 7 * 24 + 1;
export const EVENTS_PER_SECOND_PER_SHARD = 5000;
/** Template events per shard and minute; each stands for SCALE events. */
const TEMPLATES_PER_MINUTE = 50;
export const SCALE = (EVENTS_PER_SECOND_PER_SHARD * 60) / TEMPLATES_PER_MINUTE;
const MINUTE = 60_000;

export interface CapacityWeek {
  /** First hour of the week and the end (exclusive) of its synthetic minutes. */
  firstHour: number;
  end: number;
  tags: readonly string[];
  rollupObjects: number;
}

/** The realistic mix as archived: 10 events per invocation, classified by the tail path. */
function templatePool(): EventEnvelope[] {
  const config = loadConfig({ ENVIRONMENT: "development", LOG_LEVEL: "error" } as unknown as Env);
  const start = Date.UTC(2030, 0, 1);
  return realisticInvocations(2000, start)
    .flatMap((item: MixTraceItem) => toWireEvents([item as unknown as TraceItem], config, start))
    .map((wire) => JSON.parse(wire.json) as EventEnvelope);
}

let pool: EventEnvelope[] | undefined;

/** The template events of one shard's minute (the `index`th minute of the week), timestamped within it. */
function minuteEvents(shard: number, index: number, minute: number): EventEnvelope[] {
  pool ??= templatePool();
  const events: EventEnvelope[] = [];
  for (let i = 0; i < TEMPLATES_PER_MINUTE; i++) {
    const event = pool[(shard * 7919 + index * TEMPLATES_PER_MINUTE + i) % pool.length]!;
    event.timestamp = minute + i * 300;
    events.push(event);
  }
  return events;
}

/** The minutes of the week that end before its end, with their index. */
function* weekMinutes(week: Pick<CapacityWeek, "firstHour" | "end">): Generator<[number, number]> {
  for (let minute = week.firstHour, index = 0; minute + MINUTE <= week.end; minute += MINUTE, index++) yield [minute, index];
}

/**
 * Every synthetic event of the week with the number of events it stands for, in order of shard
 * and minute. Event objects are reused (their timestamps change): read them, do not keep them.
 */
export function syntheticEvents(
  week: Pick<CapacityWeek, "firstHour" | "end" | "tags">,
  visit: (shard: number, event: EventEnvelope, scale: number) => void,
): void {
  for (let shard = 0; shard < week.tags.length; shard++)
    for (const [minute, index] of weekMinutes(week)) for (const event of minuteEvents(shard, index, minute)) visit(shard, event, SCALE);
}

/**
 * Writes the week's rollups into `bucket` through the collectors' rollup writer, then the busy
 * day's objects' rollups, as its shards would have written them: one synthetic flush a minute,
 * each hour written once it is over (the writer's clock is the fixture's).
 */
export async function writeCapacityWeek(
  bucket: R2Bucket,
  options: { end: number; tags: readonly string[]; busy: readonly BusyObject[] },
): Promise<CapacityWeek> {
  const firstHour = utcHourStart(options.end - (WEEK_HOURS - 1) * HOUR_MS);
  const week: CapacityWeek = { firstHour, end: options.end, tags: options.tags, rollupObjects: 0 };
  const writes = { classA: 0 };
  const counting = countingBucket(bucket, writes);

  for (const [shard, tag] of options.tags.entries()) {
    const book = RollupBook.fresh(0);
    const writer = new RollupWriter({ book: () => book, bucket: () => counting, collector: tag, wakeBy: async () => {} });
    let clock = 0;
    /** Writes what is due at `at`; the writer's clock never goes back and moves past its once-a-minute pace. */
    const writeAt = (at: number) => writer.afterFlush((clock = Math.max(at, clock + 61_000)));

    for (const [minute, index] of weekMinutes(week)) {
      const hour = utcHourStart(minute);
      const flush = new HourRollup(hour, tag);
      for (const event of minuteEvents(shard, index, minute)) flush.add(event, SCALE);
      book.commit(new Map([[hour, flush]]), tag, minute + MINUTE);
      if (minute + MINUTE === hour + HOUR_MS) await writeAt(hour + HOUR_MS + 11 * MINUTE);
    }

    // The busy day's objects of this shard, as further flushes (five minutes of objects each).
    const groups = new Map<number, BusyObject[]>();
    for (const object of options.busy) {
      if (!object.key.includes(`-${tag}`)) continue;
      const group = Math.floor(Date.parse(object.customMetadata.firstEventAt!) / (5 * MINUTE));
      groups.set(group, [...(groups.get(group) ?? []), object]);
    }
    for (const [group, objects] of [...groups].sort((a, b) => a[0] - b[0])) {
      const flush = new FlushContribution(tag);
      for (const object of objects) flush.addRow(object.body.slice(1, -1), utcHourStart(Date.parse(object.customMetadata.firstEventAt!)));
      book.commit(flush.hours, tag, (group + 1) * 5 * MINUTE);
    }
    await writeAt(options.end + 11 * MINUTE);
  }
  week.rollupObjects = writes.classA;
  return week;
}
