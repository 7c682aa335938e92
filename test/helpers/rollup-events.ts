import type { WireEvent } from "../../schemas/collector-rpc";
import type { EventEnvelope } from "../../schemas/event-envelope";
import type { Importance } from "../../schemas/importance";
import type { RollupFile } from "../../schemas/rollup/rollup-format";

let counter = 0;
const TYPES = ["order_created", "heartbeat", "console.log", "payment_failed"];
const SCRIPTS = ["shop", "monitor", null];
const OUTCOMES: [string, number | null][] = [
  ["ok", 200],
  ["ok", 503],
  ["exception", 500],
  ["canceled", null],
];

/**
 * Envelopes of many kinds at the given times, with types, scripts, sample rates (fractional too)
 * and invocation outcomes and timings varying by position: what a rollup must count.
 */
export function variedEnvelopes(times: readonly number[], prefix = "roll"): EventEnvelope[] {
  return times.map((timestamp, i) => {
    const n = ++counter;
    const id = `${prefix}${n.toString(36)}-0`;
    const base = { id, invocationId: `${prefix}${n.toString(36)}`, timestamp, namespace: null };
    if (i % 3 === 0) {
      const [outcome, status] = OUTCOMES[i % OUTCOMES.length]!;
      const importance: Importance = outcome === "exception" ? 0 : (status ?? 0) >= 500 ? 1 : outcome === "canceled" ? 2 : 3;
      return {
        ...base,
        type: "invocation",
        kind: "invocation",
        importance,
        script: SCRIPTS[i % SCRIPTS.length]!,
        data: { outcome, ...(status === null ? {} : { status }), wallTime: 5 + ((i * 37) % 400), cpuTime: 1 + (i % 9) },
      };
    }
    const type = TYPES[i % TYPES.length]!;
    return {
      ...base,
      type,
      kind: "log",
      importance: (type === "payment_failed" ? 1 : type === "console.log" ? 3 : 2) as Importance,
      script: SCRIPTS[(i + 1) % SCRIPTS.length]!,
      level: "log",
      ...(i % 5 === 1 ? { sampleRate: i % 2 ? 2.5 : 4 } : {}),
      data: { n },
    };
  });
}

export function wireEventOf(envelope: EventEnvelope): WireEvent {
  return {
    id: envelope.id,
    importance: envelope.importance,
    timestamp: envelope.timestamp,
    type: envelope.type,
    kind: envelope.kind,
    namespace: envelope.namespace,
    asText: false,
    json: JSON.stringify(envelope),
  };
}

/** `hour|minute|importance|dim|value` → stored and weighted events. */
export type FlatCounts = Map<string, { events: number; weighted: number }>;

function bump(counts: FlatCounts, key: string, weight: number): void {
  const entry = counts.get(key) ?? { events: 0, weighted: 0 };
  entry.events += 1;
  entry.weighted += weight;
  counts.set(key, entry);
}

/** Counts of envelopes made by hand (not with the rollup code), keyed as flatRollups keys them. */
export function countByHand(events: readonly EventEnvelope[]): FlatCounts {
  const counts: FlatCounts = new Map();
  for (const e of events) {
    const hour = Math.floor(e.timestamp / 3_600_000) * 3_600_000;
    const minute = Math.floor((e.timestamp - hour) / 60_000);
    const weight = e.sampleRate ?? 1;
    const at = `${hour}|${minute}|${e.importance}`;
    bump(counts, `${at}|kind|${JSON.stringify(e.kind)}`, weight);
    bump(counts, `${at}|type|${JSON.stringify(e.type)}`, weight);
    bump(counts, `${at}|script|${JSON.stringify(e.script)}`, weight);
    if (e.kind === "invocation") {
      const data = e.data as { outcome?: string; status?: number };
      bump(counts, `${at}|invocation|${JSON.stringify([data.outcome ?? null, data.status ?? null])}`, weight);
    }
  }
  return counts;
}

/** The same keys from stored rollups (several collectors and hours add up). */
export function flatRollups(files: readonly RollupFile[]): FlatCounts {
  const counts: FlatCounts = new Map();
  for (const file of files) {
    const hour = Date.parse(file.hour);
    for (const s of file.series) {
      s.events.forEach((n, minute) => {
        if (n === 0) return;
        const key = `${hour}|${minute}|${s.importance}|${s.dim}|${s.other ? "(other)" : JSON.stringify(s.value)}`;
        const entry = counts.get(key) ?? { events: 0, weighted: 0 };
        entry.events += n;
        entry.weighted += (s.weighted ?? s.events)[minute]!;
        counts.set(key, entry);
      });
    }
  }
  return counts;
}

/** Sorted entries, for toEqual. */
export function sortedCounts(counts: FlatCounts): [string, { events: number; weighted: number }][] {
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** Every rollup under tail-rollups/ of the given hours' days, read back from R2. */
export async function storedRollups(bucket: R2Bucket, prefix = "tail-rollups/"): Promise<RollupFile[]> {
  const files: RollupFile[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    for (const { key } of page.objects) files.push((await (await bucket.get(key))!.json()) as RollupFile);
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return files;
}
