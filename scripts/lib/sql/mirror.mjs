import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { objectPath } from "./events-view.mjs";
import { ARCHIVE_PREFIX, datesInRange, objectMayMatch, parseKey } from "./mirror-range.mjs";

/**
 * A local copy of do-tail's archive, kept up to date through the HTTP API: the listing says which
 * objects exist (and their size and etag), and only those that are new or changed since the last
 * run are downloaded. A flush that is replayed after a crash writes the same key again, usually
 * with the same content: the etag (or, from a do-tail that lists none, size and upload time) tells
 * whether the copy is still right.
 *
 * Layout of a cache folder:
 *   manifest.json            { version, objects: { <key>: { size, etag, uploaded, problem? } } }
 *   objects/<key>            each object's bytes exactly as R2 holds them
 *
 * `problem` is filled in by whoever reads the objects (null: readable; a text: why not), so that
 * an object is checked once, not on every run.
 */
const MANIFEST_VERSION = 1;

export async function openCache(dir) {
  const file = join(dir, "manifest.json");
  let objects = {};
  try {
    const saved = JSON.parse(await readFile(file, "utf8"));
    if (saved?.version === MANIFEST_VERSION && saved.objects && typeof saved.objects === "object") objects = saved.objects;
  } catch (error) {
    // A missing manifest is a new cache; an unreadable one is rebuilt (objects are fetched again).
    if (error.code !== "ENOENT" && !(error instanceof SyntaxError)) throw error;
  }
  return {
    dir,
    root: join(dir, "objects"),
    objects,
    async save() {
      await mkdir(dir, { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify({ version: MANIFEST_VERSION, objects }));
      await rename(temp, file);
    },
  };
}

/**
 * Brings the cache up to date for a time range ({ since, until } in epoch ms, each optional):
 * objects whose key and metadata say they may hold events in it. Answers the keys in range (all
 * present in the cache afterwards), how many were fetched and how many bytes, how many were
 * already there, and how many cached copies were removed because do-tail no longer lists them.
 * `progress({ done, total, bytes })` is called as downloads finish.
 */
export async function mirrorArchive({ client, cache, range = {}, concurrency = 8, progress = () => {} }) {
  const listed = await listArchive(client, range);
  const selected = listed.objects.filter((object) => parseKey(object.key) && objectMayMatch(object, range));
  const wanted = [];
  for (const object of selected) if (!(await isCached(cache, object))) wanted.push(object);

  let done = 0;
  let bytes = 0;
  progress({ done, total: wanted.length, bytes });
  const gone = [];
  await inParallel(wanted, concurrency, async (object) => {
    let body;
    try {
      body = await client.archiveBytes(object.key);
    } catch (error) {
      // Deleted between the listing and the download (R2 lifecycle rules): nothing to copy.
      if (error.kind !== "not_found") throw error;
      gone.push(object.key);
      return;
    }
    const path = objectPath(cache.root, object.key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(`${path}.tmp`, body);
    await rename(`${path}.tmp`, path);
    cache.objects[object.key] = { size: body.length, etag: object.etag ?? null, uploaded: object.uploaded ?? null };
    done++;
    bytes += body.length;
    progress({ done, total: wanted.length, bytes });
  });

  const removed = await pruneUnlisted(cache, listed);
  const goneKeys = new Set(gone);
  return {
    keys: selected.map((o) => o.key).filter((key) => !goneKeys.has(key)),
    fetched: done,
    bytes,
    cached: selected.length - wanted.length,
    removed,
  };
}

/**
 * The listing that covers the range: the dates inside it (from the date "folders"), or the whole
 * archive without a range. `dates` is undefined when everything was listed.
 */
async function listArchive(client, range) {
  const objects = [];
  if (range.since === undefined && range.until === undefined) {
    for await (const object of client.archives(ARCHIVE_PREFIX)) objects.push(object);
    return { objects, dates: undefined };
  }
  const all = (await client.prefixes(ARCHIVE_PREFIX)).map((prefix) => prefix.slice(ARCHIVE_PREFIX.length).replace(/\/$/, ""));
  // A date can be named on more than one page of a delimited listing.
  const dates = datesInRange([...new Set(all)], range);
  for (const date of dates) for await (const object of client.archives(`${ARCHIVE_PREFIX}${date}/`)) objects.push(object);
  return { objects, dates: new Set(dates) };
}

/** The manifest has this version of the object and its file is there, whole. */
async function isCached(cache, object) {
  const entry = cache.objects[object.key];
  if (!entry || entry.size !== object.size) return false;
  const sameVersion = object.etag && entry.etag ? object.etag === entry.etag : entry.uploaded === object.uploaded;
  if (!sameVersion) return false;
  try {
    return (await stat(objectPath(cache.root, object.key))).size === object.size;
  } catch {
    return false;
  }
}

/** Cached copies under the listed dates (or anywhere, for a full listing) that do-tail no longer has. */
async function pruneUnlisted(cache, listed) {
  const present = new Set(listed.objects.map((o) => o.key));
  let removed = 0;
  for (const key of Object.keys(cache.objects)) {
    if (present.has(key)) continue;
    const day = parseKey(key)?.day;
    if (listed.dates !== undefined && !listed.dates.has(day)) continue;
    await rm(objectPath(cache.root, key), { force: true });
    delete cache.objects[key];
    removed++;
  }
  return removed;
}

/** Runs `work` on every item with at most `limit` at a time; the first failure ends it. */
async function inParallel(items, limit, work) {
  let next = 0;
  let failed;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}
