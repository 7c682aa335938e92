import { createHash } from "node:crypto";
import { createServer } from "node:http";

/**
 * A stand-in for do-tail's archive API in the CLI's tests (node --test): GET /archives with
 * prefix, delimiter and cursor, pages of `pageSize` keys, and GET /archives/<key>; it counts the
 * object downloads per key and the most downloads under way at once. Objects are set, replaced
 * and deleted through `put` and `remove`. `etags: false` lists no etag, as an older do-tail;
 * `delayMs` holds each download that long.
 */
export async function standInDoTail({ pageSize = 1000, token, etags = true, delayMs = 0 } = {}) {
  const objects = new Map();
  const downloads = new Map();
  const inFlight = { now: 0, most: 0 };
  let clock = Date.UTC(2031, 0, 1);
  const server = createServer((request, response) => {
    const url = new URL(request.url, "http://stand-in");
    const send = (status, body, headers = { "content-type": "application/json" }) => {
      response.writeHead(status, headers);
      response.end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    if (token && request.headers.authorization !== `Bearer ${token}`) return send(401, { error: { message: "unauthorised" } });
    if (url.pathname === "/archives") {
      const prefix = url.searchParams.get("prefix") ?? "tail-events/";
      const delimiter = url.searchParams.get("delimiter");
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = Number(url.searchParams.get("cursor") ?? 0);
      const page = keys.slice(start, start + pageSize);
      const truncated = start + pageSize < keys.length;
      const listed = delimiter ? page.filter((k) => !k.slice(prefix.length).includes(delimiter)) : page;
      const prefixes = delimiter
        ? [
            ...new Set(
              page
                .filter((k) => k.slice(prefix.length).includes(delimiter))
                .map((k) => k.slice(0, k.indexOf(delimiter, prefix.length) + 1)),
            ),
          ]
        : undefined;
      return send(200, {
        objects: listed.map((key) => {
          const o = objects.get(key);
          return { key, size: o.body.length, ...(etags ? { etag: o.etag } : {}), uploaded: o.uploaded, customMetadata: o.metadata };
        }),
        ...(prefixes ? { prefixes } : {}),
        truncated,
        ...(truncated ? { cursor: String(start + pageSize) } : {}),
      });
    }
    if (url.pathname.startsWith("/archives/")) {
      const key = decodeURIComponent(url.pathname.slice("/archives/".length));
      const object = objects.get(key);
      if (!object) return send(404, { error: { message: `no archive object at ${key}` } });
      downloads.set(key, (downloads.get(key) ?? 0) + 1);
      inFlight.most = Math.max(inFlight.most, ++inFlight.now);
      setTimeout(() => {
        inFlight.now--;
        send(200, object.body, { "content-type": "application/json; charset=utf-8" });
      }, delayMs);
      return;
    }
    send(404, { error: { message: "no route" } });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    downloads,
    /** The most downloads that were under way at once. */
    mostAtOnce: () => inFlight.most,
    /** Stores an object: events (an array, serialised) or a body given as a string. */
    put(key, content, metadata = {}) {
      const body = Buffer.from(typeof content === "string" ? content : JSON.stringify(content));
      clock += 1000;
      objects.set(key, { body, etag: createHash("md5").update(body).digest("hex"), uploaded: new Date(clock).toISOString(), metadata });
    },
    remove(key) {
      objects.delete(key);
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
