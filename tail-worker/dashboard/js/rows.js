/** Reading /query result rows. */

/** A group-by or aggregate value of a row, whether the API names it by full path or last segment. */
export function field(row, path) {
  if (row === null || typeof row !== "object") return undefined;
  if (path in row) return row[path];
  const last = path.split(".").pop();
  if (last in row) return row[last];
  return undefined;
}

/** The default name of an aggregate: "count", otherwise `${fn}_${last path segment}`. */
export function aggregateName(fn, path) {
  return fn === "count" && path === undefined ? "count" : `${fn}_${String(path).split(".").pop()}`;
}

export function numeric(value) {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** "rows x, scanned n objects (bytes), e events, b buffered" for a result's meta line. */
export function describeScan(result, formatBytes, formatCount) {
  const scanned = result?.scanned ?? {};
  const parts = [`${formatCount(result?.rows?.length ?? 0)} rows`];
  if (scanned.events !== undefined) parts.push(`${formatCount(scanned.events)} events scanned`);
  if (scanned.objects !== undefined) parts.push(`${formatCount(scanned.objects)} objects (${formatBytes(scanned.bytes)})`);
  if (scanned.buffered !== undefined) parts.push(`${formatCount(scanned.buffered)} buffered`);
  if (result?.truncated) parts.push("truncated");
  return parts.join(" · ");
}

/**
 * What a panel says about how its answer was made: "" when every object of the window was read,
 * otherwise "sampled: N of M objects, counts scaled" (or "newest N of M objects" for lists).
 */
export function sampleNote(result, formatCount) {
  const s = result?.sampled;
  if (!s) return "";
  const of = `${formatCount(s.objects)} of ${formatCount(s.candidateObjects)} objects`;
  return s.mode === "spread" ? `sampled: ${of}, counts scaled` : `${s.mode === "newest" ? "newest" : "oldest"} ${of} read`;
}

/**
 * Where a counts answer came from: "from rollups", or how many hours of the window came from the
 * archive listing instead (hours before the collectors kept rollups), and hours left out.
 */
export function sourceNote(result, formatCount) {
  const r = result?.rollups;
  if (!r) return "";
  const notes = [];
  if (r.source === "rollups") notes.push("from rollups");
  else if (r.source === "listing") notes.push("from the archive listing");
  else notes.push(`from rollups, ${formatCount(r.listedHours.length)} h from the archive listing`);
  if (r.unreadHours?.length) notes.push(`${formatCount(r.unreadHours.length)} h not read (QUERY_MAX_OBJECTS)`);
  return notes.join(" · ");
}
