import schemaFile from "./stream-schema.json";

/**
 * A stream schema in the format `wrangler basin pipelines streams create --schema-file` takes
 * (wrangler 4.164 builds the same shape in `basin pipelines setup`): `{ fields: [...] }`, each field
 * a name, a type, whether it is required, a unit for timestamps, `items` for lists and `fields` for
 * structs. It is not JSON Schema.
 */
export interface StreamField {
  name: string;
  type: StreamFieldType;
  required?: boolean;
  unit?: TimestampUnit;
  items?: StreamField;
  fields?: StreamField[];
}

export interface StreamSchema {
  fields: StreamField[];
}

/**
 * The types this validator checks. Wrangler also offers `bytes`, whose form in a JSON record is not
 * documented: a schema that uses it is refused here rather than guessed at.
 */
export const FIELD_TYPES = ["string", "int32", "int64", "float32", "float64", "bool", "timestamp", "json", "list", "struct"] as const;
export type StreamFieldType = (typeof FIELD_TYPES)[number];

export const TIMESTAMP_UNITS = ["second", "millisecond", "microsecond", "nanosecond"] as const;
export type TimestampUnit = (typeof TIMESTAMP_UNITS)[number];

/** The schema of do-tail's Basin stream: the file the stream is created with (see the README). */
export const STREAM_SCHEMA = schemaFile as StreamSchema;

const INT32 = 2 ** 31;
const FLOAT32_MAX = 3.4028234663852886e38;

/** What is wrong with the schema itself (unknown types, duplicate names, a list without items…); [] when nothing. */
export function schemaProblems(schema: StreamSchema): string[] {
  if (!Array.isArray(schema?.fields)) return ["the schema has no fields array"];
  return fieldsProblems(schema.fields, "");
}

function fieldsProblems(fields: readonly StreamField[], path: string): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const field of fields) {
    const at = `${path}${field.name}`;
    if (typeof field.name !== "string" || field.name === "") problems.push(`${path}: a field has no name`);
    else if (names.has(field.name)) problems.push(`${at}: named twice`);
    names.add(field.name);
    if (!(FIELD_TYPES as readonly string[]).includes(field.type)) problems.push(`${at}: unknown type ${JSON.stringify(field.type)}`);
    if (field.required !== undefined && typeof field.required !== "boolean") problems.push(`${at}: required is not a boolean`);
    if (field.type === "timestamp" && !(TIMESTAMP_UNITS as readonly string[]).includes(field.unit ?? ""))
      problems.push(`${at}: a timestamp needs a unit (${TIMESTAMP_UNITS.join(", ")})`);
    if (field.type === "list") {
      if (!field.items) problems.push(`${at}: a list needs items`);
      else problems.push(...fieldsProblems([field.items], `${at}[].`));
    }
    if (field.type === "struct") {
      if (!Array.isArray(field.fields)) problems.push(`${at}: a struct needs fields`);
      else problems.push(...fieldsProblems(field.fields, `${at}.`));
    }
  }
  return problems;
}

/**
 * Why a record would not match the schema, one line per problem ([] when it matches). A stream
 * accepts a record that does not match and then drops it silently, so this is stricter than the
 * platform wherever its behaviour is not documented: a field absent from the schema, a null, a
 * string that is not well-formed Unicode, or a number JSON cannot carry (NaN, Infinity) is a problem.
 */
export function recordProblems(fields: readonly StreamField[], record: unknown, path = ""): string[] {
  if (!isPlainObject(record)) return [`${path || "record"}: not an object`];
  const problems: string[] = [];
  const known = new Set<string>();
  for (const field of fields) {
    known.add(field.name);
    const at = `${path}${field.name}`;
    const value = Object.hasOwn(record, field.name) ? record[field.name] : undefined;
    if (value === undefined) {
      if (field.required) problems.push(`${at}: missing`);
      continue;
    }
    problems.push(...valueProblems(field, value, at));
  }
  for (const key of Object.keys(record)) if (!known.has(key)) problems.push(`${path}${key}: not in the schema`);
  return problems;
}

function valueProblems(field: StreamField, value: unknown, at: string): string[] {
  const wrong = (what: string) => [`${at}: ${what}, got ${describe(value)}`];
  switch (field.type) {
    case "string":
      return typeof value === "string" && value.isWellFormed() ? [] : wrong("expected well-formed text");
    case "bool":
      return typeof value === "boolean" ? [] : wrong("expected true or false");
    case "int32":
      return Number.isInteger(value) && (value as number) >= -INT32 && (value as number) < INT32 ? [] : wrong("expected a 32-bit integer");
    case "int64":
    case "timestamp":
      return Number.isSafeInteger(value) ? [] : wrong("expected an integer JSON can carry exactly");
    case "float32":
      return Number.isFinite(value) && Math.abs(value as number) <= FLOAT32_MAX ? [] : wrong("expected a finite 32-bit number");
    case "float64":
      return Number.isFinite(value) ? [] : wrong("expected a finite number");
    case "json":
      return jsonProblems(value, at);
    case "list":
      if (!Array.isArray(value)) return wrong("expected a list");
      return value.flatMap((item, i) =>
        item === undefined || item === null ? [`${at}[${i}]: expected a value`] : valueProblems(field.items!, item, `${at}[${i}]`),
      );
    case "struct":
      return recordProblems(field.fields ?? [], value, `${at}.`);
    default:
      return [`${at}: type ${String(field.type)} is not checked`];
  }
}

/** A value JSON carries unchanged: no undefined, function, symbol, bigint, non-finite number or lone surrogate. */
function jsonProblems(value: unknown, at: string): string[] {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === null || typeof item === "boolean") continue;
    if (typeof item === "number" && Number.isFinite(item)) continue;
    if (typeof item === "string" && item.isWellFormed()) continue;
    if (Array.isArray(item)) stack.push(...item);
    else if (isPlainObject(item)) {
      for (const [key, inner] of Object.entries(item)) {
        if (!key.isWellFormed()) return [`${at}: a key is not well-formed text`];
        stack.push(inner);
      }
    } else return [`${at}: ${describe(item)} is not JSON`];
  }
  return [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return value.isWellFormed() ? "text" : "text with a lone surrogate";
  if (typeof value === "number") return String(value);
  return typeof value;
}
