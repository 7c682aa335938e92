import type { IRequest } from "itty-router";
import * as v from "valibot";
import { ARCHIVE_PREFIX } from "../../schemas/archive/key";
import type { Env } from "../../schemas/config/env";
import { json, problem } from "./json";
import { parseQuery } from "./query-params";

/**
 * GET /archives?prefix=P&cursor=C: one page of R2's listing (at most 1,000 keys). With
 * `delimiter=/` it also answers `prefixes`, the "folders" under P (dates, importances).
 */
export async function listArchives(request: IRequest, env: Env): Promise<Response> {
  const query = parseQuery(request.url, {
    prefix: v.optional(v.pipe(v.string(), v.maxLength(MAX_KEY_LENGTH)), ARCHIVE_PREFIX),
    cursor: v.optional(v.pipe(v.string(), v.maxLength(4096))),
    delimiter: v.optional(v.literal("/", 'must be "/"')),
  });
  if ("problem" in query) return query.problem;
  const { prefix, cursor, delimiter } = query.params;
  if (!isArchiveKey(prefix)) return problem(400, `prefix must start with "${ARCHIVE_PREFIX}" and must not contain "." or ".." segments`);
  const listing = await env.ARCHIVE.list({
    prefix,
    cursor: cursor || undefined,
    limit: 1000,
    include: ["customMetadata"],
    ...(delimiter ? { delimiter } : {}),
  });
  return json({
    objects: listing.objects.map((o) => ({
      key: o.key,
      size: o.size,
      // Changes whenever the content does: a mirror refetches an object only then.
      etag: o.etag,
      uploaded: o.uploaded.toISOString(),
      customMetadata: o.customMetadata ?? {},
    })),
    ...(delimiter ? { prefixes: listing.delimitedPrefixes } : {}),
    truncated: listing.truncated,
    ...(listing.truncated ? { cursor: listing.cursor } : {}),
  });
}

/** GET /archives/<key>: the stored object as it is. */
export async function getArchive(request: IRequest, env: Env): Promise<Response> {
  let key: string;
  try {
    key = decodeURIComponent(String(request.params.key ?? ""));
  } catch {
    return problem(400, "the archive key is not valid percent-encoding");
  }
  if (!isArchiveKey(key)) return problem(400, `archive keys start with "${ARCHIVE_PREFIX}" and must not contain "." or ".." segments`);
  const object = await env.ARCHIVE.get(key);
  if (!object) return problem(404, `no archive object at ${key}`);
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", etag: object.httpEtag });
  for (const [name, value] of Object.entries(object.customMetadata ?? {})) headers.set(`x-archive-${name.toLowerCase()}`, value);
  return new Response(object.body, { headers });
}

const MAX_KEY_LENGTH = 1024;

/** Keeps browsing inside the archive prefix: no dot segments, no control characters, R2's key length. */
function isArchiveKey(key: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (!key.startsWith(ARCHIVE_PREFIX) || key.length > MAX_KEY_LENGTH || /[\u0000-\u001f\\]/.test(key)) return false;
  return !key.split("/").some((segment) => segment === "." || segment === "..");
}
