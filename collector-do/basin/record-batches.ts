import { type EventRecord, eventRecord } from "../../schemas/basin/event-record";
import { recordProblems, STREAM_SCHEMA } from "../../schemas/basin/stream-schema";
import { arrayElements } from "../../schemas/lib/json-slices";
import { utf8ByteLength } from "../../schemas/lib/utf8";
import type { BasinDropReason } from "./basin-state";

export interface BatchLimits {
  /** Most record bytes (as JSON) in one send() call. */
  sendBytes: number;
  /** A record larger than this is not sent (counted as dropped, tooLarge). */
  recordBytes: number;
}

/** One send() call's worth of records, and how far into the object it reaches. */
export interface RecordBatch {
  records: EventRecord[];
  bytes: number;
  /** Events of the object consumed once this batch is sent: sent, or left out and counted in `drops`. */
  through: number;
  drops: Partial<Record<BasinDropReason, number>>;
  /** Why the first left-out event was left out. */
  firstProblem?: string;
}

/**
 * The records of an archive object's events (its JSON array text, read element by element), from
 * event `skip` on, in batches of at most `sendBytes`. An event that makes no record, or a record
 * that does not match the stream's schema, is left out and counted (a stream would drop it
 * silently); so is a record over `recordBytes`. Throws SyntaxError if the text is not an array.
 */
export function* recordBatches(text: string, key: string, skip: number, limits: BatchLimits): Generator<RecordBatch> {
  let batch: RecordBatch = { records: [], bytes: 0, through: skip, drops: {} };
  let position = 0;
  for (const element of arrayElements(text)) {
    if (position++ < skip) continue;
    const made = record(element, key, limits);
    if ("problem" in made) {
      batch.drops[made.reason] = (batch.drops[made.reason] ?? 0) + 1;
      batch.firstProblem ??= made.problem;
    } else {
      if (batch.records.length > 0 && batch.bytes + made.bytes > limits.sendBytes) {
        yield batch;
        batch = { records: [], bytes: 0, through: batch.through, drops: {} };
      }
      batch.records.push(made.record);
      batch.bytes += made.bytes;
    }
    batch.through = position;
  }
  if (batch.records.length > 0 || batch.through > skip) yield batch;
}

type Made = { record: EventRecord; bytes: number } | { problem: string; reason: BasinDropReason };

function record(element: string, key: string, limits: BatchLimits): Made {
  let outcome: ReturnType<typeof eventRecord>;
  try {
    outcome = eventRecord(element, key);
  } catch (error) {
    return { problem: `no record: ${(error as Error).message}`, reason: "invalid" };
  }
  if ("problem" in outcome) return { problem: outcome.problem, reason: "invalid" };
  const problems = recordProblems(STREAM_SCHEMA.fields, outcome.record);
  if (problems.length > 0) return { problem: `${outcome.record.id}: ${problems.join("; ")}`, reason: "invalid" };
  const bytes = utf8ByteLength(JSON.stringify(outcome.record));
  if (bytes > limits.recordBytes) return { problem: `${outcome.record.id}: ${bytes} bytes as a record`, reason: "tooLarge" };
  return { record: outcome.record, bytes };
}
