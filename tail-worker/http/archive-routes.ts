import type { IRequest } from "itty-router";
import { ARCHIVE_PREFIX } from "../../collector-do/archive-key";
import type { Env } from "../../schemas/config/env";
import { json, problem } from "./json";

/** GET /archives?prefix=P&cursor=C: one page of R2's listing (at most 1,000 keys). */
export async function listArchives(request: IRequest, env: Env): Promise<Response> {
  const prefix = typeof request.query.prefix === "string" ? request.query.prefix : ARCHIVE_PREFIX;
  const cursor = typeof request.query.cursor === "string" && request.query.cursor !== "" ? request.query.cursor : undefined;
  if (!isArchiveKey(prefix)) return problem(400, `prefix must start with "${ARCHIVE_PREFIX}" and must not contain ".."`);
  const listing = await env.ARCHIVE.list({ prefix, cursor, limit: 1000, include: ["customMetadata"] });
  return json({
    objects: listing.objects.map((o) => ({ key: o.key, size: o.size, uploaded: o.uploaded.toISOString(), customMetadata: o.customMetadata ?? {} })),
    truncated: listing.truncated,
    ...(listing.truncated ? { cursor: listing.cursor } : {}),
  });
}

/** GET /archives/<key>: the stored object as it is. */
export async function getArchive(request: IRequest, env: Env): Promise<Response> {
  const key = decodeURIComponent(String(request.params.key ?? ""));
  if (!isArchiveKey(key)) return problem(400, `archive keys start with "${ARCHIVE_PREFIX}" and must not contain ".."`);
  const object = await env.ARCHIVE.get(key);
  if (!object) return problem(404, `no archive object at ${key}`);
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", etag: object.httpEtag });
  for (const [name, value] of Object.entries(object.customMetadata ?? {})) headers.set(`x-archive-${name.toLowerCase()}`, value);
  return new Response(object.body, { headers });
}

/** Keeps browsing inside the archive prefix. */
function isArchiveKey(key: string): boolean {
  return key.startsWith(ARCHIVE_PREFIX) && !key.split("/").includes("..");
}
