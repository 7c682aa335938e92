/**
 * A DuckDB result as plain JSON values, the same for every output format and for the tests'
 * bridge: whole numbers that fit a double as numbers (BIGINT, HUGEINT, DECIMAL arrive as text),
 * JSON columns parsed, timestamps as ISO 8601 in UTC; anything else as DuckDB renders it to JSON.
 */
const INTEGER_TYPES = new Set(["BIGINT", "UBIGINT", "HUGEINT", "UHUGEINT"]);
const TIMESTAMP_TYPES = new Set(["TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP_NS"]);

/** { columns: [{ name, type }], rows: [{ column: value }] } of a read result (runAndReadAll). */
export function resultRows(reader) {
  const names = reader.columnNames();
  const types = reader.columnTypes().map((type) => type.alias ?? type.toString());
  const convert = types.map(converter);
  const rows = reader.getRowsJson().map((values) => {
    const row = {};
    names.forEach((name, i) => {
      row[name] = values[i] === null ? null : convert[i](values[i]);
    });
    return row;
  });
  return { columns: names.map((name, i) => ({ name, type: types[i] })), rows };
}

function converter(type) {
  if (type === "JSON") return (text) => JSON.parse(text);
  if (INTEGER_TYPES.has(type)) return (text) => (Number.isSafeInteger(Number(text)) ? Number(text) : text);
  if (type.startsWith("DECIMAL")) return (text) => Number(text);
  if (TIMESTAMP_TYPES.has(type)) return isoTimestamp;
  if (type === "TIMESTAMP WITH TIME ZONE") return (text) => new Date(text.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")).toISOString();
  return (value) => value;
}

/** DuckDB's "2031-03-14 09:00:00.25" as "2031-03-14T09:00:00.250Z" (milliseconds always shown, finer digits kept). */
function isoTimestamp(text) {
  const [whole, fraction = ""] = text.split(".");
  return `${whole.replace(" ", "T")}.${fraction.padEnd(3, "0")}Z`;
}
