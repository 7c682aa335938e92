import type { WireEvent } from "../../schemas/collector-rpc";
import type { Importance } from "../../schemas/importance";

let counter = 0;

export interface WireEventOptions {
  importance?: Importance;
  timestamp?: number;
  /** Approximate size of each event's JSON. */
  bytes?: number;
  prefix?: string;
}

/** Builds `count` distinct, valid wire events, as the tail worker would send them. */
export function wireEvents(count: number, options: WireEventOptions = {}): WireEvent[] {
  const { importance = 2, timestamp = Date.now(), bytes = 200, prefix = "evt" } = options;
  return Array.from({ length: count }, () => {
    const id = `${prefix}-${++counter}`;
    const head = {
      id,
      invocationId: `${prefix}-inv`,
      type: "test_event",
      kind: "log",
      importance,
      timestamp,
      script: "test",
      namespace: null,
      data: { seq: counter },
    };
    const filler = "x".repeat(Math.max(0, bytes - JSON.stringify(head).length - 12));
    const json = JSON.stringify({ ...head, data: { seq: counter, filler } });
    return { id, importance, timestamp, type: "test_event", kind: "log" as const, namespace: null, asText: false, json };
  });
}

/** Every event id in the archive objects under `prefix`, in the order read. */
export async function archivedIds(bucket: R2Bucket, prefix = "tail-events/"): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    for (const object of page.objects) {
      const body = await bucket.get(object.key);
      const events = (await body!.json()) as { id: string }[];
      ids.push(...events.map((e) => e.id));
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return ids;
}
