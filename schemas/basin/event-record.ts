import { parseArchiveKey } from "../archive/key";
import { partitionTime } from "../archive/partition";
import { objectMembers } from "../lib/json-slices";

/**
 * One archived event as a record of do-tail's Basin stream (stream-schema.json, which the tests
 * hold this type and its builder to). Flat, so that Basin SQL reads typed columns:
 *
 * - the envelope's fields (schemas/event-envelope.ts) in snake_case, because Basin SQL folds
 *   unquoted names to lower case (`invocationId` would need quoting in every query);
 * - `data`, `truncated` and `validation` as the JSON text the archive holds, byte for byte (the
 *   producer's integers past 2^53 stay exact); JSON functions read them;
 * - `archive_key`: the R2 object the event is in, to go from a Basin row to the archive;
 * - four fields of do-tail's own invocation record, promoted because every producer has them and
 *   the generic questions (error rate and latency by script) filter and aggregate on them: as
 *   columns they are read without parsing `data` and Parquet statistics let a scan skip files.
 *   Producers' own fields are not promoted: a stream's schema is fixed when it is created, and
 *   producers' catalogs change.
 */
export type EventRecord = {
  id: string;
  invocation_id: string;
  type: string;
  kind: string;
  importance: number;
  /**
   * Milliseconds since the epoch, whole: the event's own time when it is a date (1970 to 9999),
   * else the start of the UTC hour the archive filed it under, as the archive partitions it (the
   * event's own value stays in the archive object, `archive_key`).
   */
  timestamp: number;
  script?: string;
  namespace?: string;
  level?: string;
  channel?: string;
  text?: string;
  parse_error?: string;
  truncated?: string;
  validation?: string;
  sample_rate: number;
  data: string;
  archive_key: string;
  outcome?: string;
  http_status?: number;
  cpu_time_ms?: number;
  wall_time_ms?: number;
};

export type RecordOutcome = { record: EventRecord } | { problem: string };

/** Envelope fields copied when they are text, under their column's name. */
const OPTIONAL_TEXT = [
  ["script", "script"],
  ["namespace", "namespace"],
  ["level", "level"],
  ["channel", "channel"],
  ["text", "text"],
  ["parseError", "parse_error"],
] as const;

/**
 * The record of one archived event, from its JSON text as the archive object holds it. Fields
 * that are absent or null are left out (never sent as null); an event whose required fields are
 * missing or of the wrong type has no record, and the answer says why.
 */
export function eventRecord(eventJson: string, archiveKey: string): RecordOutcome {
  let members: Map<string, string>;
  try {
    members = objectMembers(eventJson);
  } catch (error) {
    return { problem: `not a JSON object (${(error as Error).message})` };
  }
  const value = (name: string) => parsedMember(members, name);

  const id = value("id");
  const invocationId = value("invocationId");
  const type = value("type");
  const kind = value("kind");
  const importance = value("importance");
  const timestamp = value("timestamp");
  const sampleRate = value("sampleRate") ?? 1;
  const data = members.get("data");
  if (typeof id !== "string") return { problem: "id is not text" };
  if (typeof invocationId !== "string") return { problem: "invocationId is not text" };
  if (typeof type !== "string") return { problem: "type is not text" };
  if (typeof kind !== "string") return { problem: "kind is not text" };
  if (!Number.isInteger(importance)) return { problem: "importance is not a whole number" };
  if (!Number.isFinite(timestamp)) return { problem: "timestamp is not a number" };
  if (!Number.isFinite(sampleRate)) return { problem: "sampleRate is not a number" };
  if (data === undefined || data[0] !== "{") return { problem: "data is not an object" };
  const filed = parseArchiveKey(archiveKey);
  if (!filed) return { problem: `${archiveKey} is not an archive key` };

  const record: EventRecord = {
    id,
    invocation_id: invocationId,
    type,
    kind,
    importance: importance as number,
    timestamp: Math.floor(partitionTime(timestamp as number, Date.parse(`${filed.day}T${String(filed.hour).padStart(2, "0")}:00:00Z`))),
    sample_rate: sampleRate as number,
    data,
    archive_key: archiveKey,
  };
  for (const [field, column] of OPTIONAL_TEXT) {
    const text = value(field);
    if (typeof text === "string") record[column] = text;
  }
  for (const field of ["truncated", "validation"] as const) {
    const raw = members.get(field);
    if (raw !== undefined && raw !== "null") record[field] = raw;
  }
  if (kind === "invocation") promoteInvocationFields(record, data);
  return { record };
}

/** The invocation record's outcome, HTTP status and timings, where they hold what the columns take. */
function promoteInvocationFields(record: EventRecord, data: string): void {
  const fields = objectMembers(data);
  const read = (name: string) => parsedMember(fields, name);
  const outcome = read("outcome");
  const status = read("status");
  const cpuTime = read("cpuTime");
  const wallTime = read("wallTime");
  if (typeof outcome === "string") record.outcome = outcome;
  if (Number.isInteger(status) && (status as number) >= 0 && (status as number) < 2 ** 31) record.http_status = status as number;
  if (Number.isFinite(cpuTime)) record.cpu_time_ms = cpuTime as number;
  if (Number.isFinite(wallTime)) record.wall_time_ms = wallTime as number;
}

/** A member's value, parsed (undefined when absent); used for the small ones only, never `data`. */
function parsedMember(members: Map<string, string>, name: string): unknown {
  const raw = members.get(name);
  return raw === undefined ? undefined : JSON.parse(raw);
}
