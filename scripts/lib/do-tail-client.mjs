/**
 * A small client of the do-tail HTTP API for scripts: JSON in and out, the admin token when one is
 * given (--token or DO_TAIL_TOKEN), and errors that say what went wrong. Every error it throws is a
 * DoTailError whose `kind` is "unreachable", "unauthorised", "not_found" or "http".
 */
export class DoTailError extends Error {
  constructor(kind, message, status) {
    super(message);
    this.name = "DoTailError";
    this.kind = kind;
    this.status = status;
  }
}

export function doTailClient(baseUrl, token = process.env.DO_TAIL_TOKEN) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};

  /**
   * `answersWith(status, body)` says which non-2xx answers are the call's answer rather than an
   * error. `raw` answers the body's bytes as they came instead of parsing them as JSON.
   */
  async function request(method, path, body, answersWith = () => false, raw = false) {
    let response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new DoTailError(
        "unreachable",
        `do-tail is unreachable at ${baseUrl} (${error.cause?.code ?? error.message}); is \`npm run dev\` running?`,
      );
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = raw && response.ok ? "" : new TextDecoder().decode(bytes);
    if (response.status === 401 || response.status === 403) {
      throw new DoTailError(
        "unauthorised",
        `${method} ${path}: not authorised (${response.status}); pass --token or set DO_TAIL_TOKEN`,
        response.status,
      );
    }
    if (!response.ok) {
      const answer = parseJson(text);
      if (answersWith(response.status, answer)) return answer;
      throw new DoTailError(
        response.status === 404 ? "not_found" : "http",
        `${method} ${path}: HTTP ${response.status}: ${problemMessage(text)}`,
        response.status,
      );
    }
    return raw ? bytes : JSON.parse(text);
  }

  return {
    stats: () => request("GET", "/stats"),
    /**
     * POST /flush: answers its report { objects, events, bytes, errors, shards }. A flush that
     * failed on some shards answers 207, on all of them 502, with that report, and the report is
     * what callers need (what was written, and why the rest was not), so it is answered rather
     * than thrown.
     */
    flush: () => request("POST", "/flush", undefined, (status, answer) => status === 502 && Array.isArray(answer?.errors)),
    listArchives: (prefix, cursor, delimiter) =>
      request(
        "GET",
        `/archives?prefix=${encodeURIComponent(prefix)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}${delimiter ? `&delimiter=${encodeURIComponent(delimiter)}` : ""}`,
      ),
    /** An archive object's events; a missing key is a DoTailError of kind "not_found" naming it. */
    async getArchive(key) {
      try {
        return await request("GET", `/archives/${encodeURI(key)}`);
      } catch (error) {
        if (error.kind === "not_found") throw new DoTailError("not_found", `no such archive object: ${key}`, 404);
        throw error;
      }
    },
    /** An archive object's bytes exactly as stored (for mirrors: nothing is parsed or re-encoded). */
    async archiveBytes(key) {
      try {
        return await request("GET", `/archives/${encodeURI(key)}`, undefined, undefined, true);
      } catch (error) {
        if (error.kind === "not_found") throw new DoTailError("not_found", `no such archive object: ${key}`, 404);
        throw error;
      }
    },
    /** POST /live/ticket: { ticket, expiresAt, protocols } to open one GET /live WebSocket with. */
    liveTicket: () => request("POST", "/live/ticket"),
    /** POST /query: answers { rows, scanned, truncated }. */
    query: (body) => request("POST", "/query", body),
    /** Every object under `prefix`, following R2's cursor past 1,000 keys. */
    async *archives(prefix) {
      let cursor;
      do {
        const page = await this.listArchives(prefix, cursor);
        yield* page.objects;
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    },
    /** The "folders" right under `prefix` (e.g. dates under tail-events/), every page. */
    async prefixes(prefix) {
      const found = [];
      let cursor;
      do {
        const page = await this.listArchives(prefix, cursor, "/");
        found.push(...(page.prefixes ?? []));
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
      return found;
    },
  };
}

/** The message of a do-tail problem response ({ error: { message } }), or the start of the text. */
function problemMessage(text) {
  const message = parseJson(text)?.error?.message;
  return typeof message === "string" ? message : text.slice(0, 300);
}

/** The JSON of a response's text, or undefined when it is not JSON (an HTML error page, say). */
function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
