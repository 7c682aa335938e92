/**
 * A small client of the do-tail HTTP API for scripts: JSON in and out, the admin token when one is
 * given (--token or DO_TAIL_TOKEN), and errors that say what went wrong.
 */
export function doTailClient(baseUrl, token = process.env.DO_TAIL_TOKEN) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};

  async function request(method, path) {
    let response;
    try {
      response = await fetch(new URL(path, baseUrl), { method, headers });
    } catch (error) {
      throw new Error(`do-tail is unreachable at ${baseUrl} (${error.cause?.code ?? error.message}); is \`npm run dev\` running?`);
    }
    const text = await response.text();
    if (response.status === 401 || response.status === 403) throw new Error(`${method} ${path}: not authorised (${response.status}); pass --token or set DO_TAIL_TOKEN`);
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  }

  return {
    stats: () => request("GET", "/stats"),
    flush: () => request("POST", "/flush"),
    listArchives: (prefix, cursor) => request("GET", `/archives?prefix=${encodeURIComponent(prefix)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
    getArchive: (key) => request("GET", `/archives/${key}`),
    /** Every object under `prefix`, following R2's cursor past 1,000 keys. */
    async *archives(prefix) {
      let cursor;
      do {
        const page = await this.listArchives(prefix, cursor);
        yield* page.objects;
        cursor = page.truncated ? page.cursor : undefined;
      } while (cursor);
    },
  };
}
