import { setTimeout as sleep } from "node:timers/promises";
import {
  ARCHIVE_PREFIX,
  filterConditions,
  IMPORTANCE_NAMES,
  isDate,
  objectsPrefix,
  PAGE_SIZE,
  pageHasMore,
  pageQueries,
  parseCliArgs,
  USAGE,
  UsageError,
} from "./lib/archive-cli.mjs";
import { doTailClient } from "./lib/do-tail-client.mjs";

/**
 * `npm run archives -- <command>`: browse do-tail's R2 archive through its HTTP API, locally
 * (http://localhost:8788) or deployed (--url, --token or DO_TAIL_TOKEN). Events come out as NDJSON,
 * one envelope per line, ready for jq. `npm run archives -- --help` lists commands and filters.
 * Exit status: 0 done, 1 an error (unreachable, unauthorised, no such key, …), 2 bad arguments.
 */
process.stdout.on("error", (error) => {
  // `… | head` closes the pipe early: that is not an error.
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

if (process.argv[2] === "sql") {
  // DuckDB over a local mirror of the archive: scripts/lib/sql/.
  const { sqlCommand } = await import("./lib/sql/sql-command.mjs");
  const status = await sqlCommand(process.argv.slice(3));
  // Let what was written reach a pipe before exiting.
  await new Promise((resolve) => process.stdout.write("", resolve));
  process.exit(status);
}

// `live` streams events as they are stored (GET /live); its own file, its own options.
if (process.argv[2] === "live") {
  const { runLive } = await import("./lib/live-command.mjs");
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  const status = await runLive(process.argv.slice(3), { signal: stop.signal });
  // Whatever is still queued for a pipe goes out before the exit.
  await new Promise((resolve) => process.stdout.write("", resolve));
  process.exit(status);
}

let parsed;
try {
  parsed = parseCliArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  const lost = /^(give a command|unknown command)/.test(error.message);
  process.stderr.write(
    `archives: ${error.message}\n${lost ? `\n${USAGE}\n` : "(npm run archives -- --help lists commands and options)\n"}`,
  );
  process.exit(2);
}

const { command, args, options } = parsed;
const client = doTailClient(options.url, options.token);
const print = (line) => process.stdout.write(`${line}\n`);

const commands = {
  help: async () => print(USAGE),

  async dates() {
    for (const date of await listDates()) print(options.json ? JSON.stringify({ date }) : date);
  },

  async importances() {
    const dates = args[0] === undefined ? await listDates() : [args[0]];
    for (const date of dates) {
      for (const prefix of await client.prefixes(`${ARCHIVE_PREFIX}${date}/`)) {
        const importance = Number(/importance-(\d)\/$/.exec(prefix)?.[1]);
        const name = IMPORTANCE_NAMES[importance] ?? "?";
        print(options.json ? JSON.stringify({ date, importance, name, prefix }) : `${date}  importance-${importance}  ${name}`);
      }
    }
  },

  async objects() {
    for await (const object of client.archives(objectsPrefix(args[0]))) {
      const meta = object.customMetadata ?? {};
      if (options.json) print(JSON.stringify(object));
      else
        print(
          [
            object.key,
            `${object.size} B`,
            `${meta.eventCount ?? "?"} events`,
            `${meta.firstEventAt ?? "?"} .. ${meta.lastEventAt ?? "?"}`,
          ].join("  "),
        );
    }
  },

  async events() {
    let printed = 0;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    for await (const event of matchingEvents(options.filter.since ?? "-1h", options.filter.until ?? "now", limit)) {
      print(JSON.stringify(event));
      if (++printed >= limit) return;
    }
  },

  async follow() {
    // Events become visible to /query as soon as a collector buffers them, a little after their
    // timestamp: each poll looks back this far and skips what it printed already.
    const LOOK_BACK_MS = 120_000;
    const printedAt = new Map();
    let printed = 0;
    let from = options.filter.since ?? Date.now();
    let waiting = false;
    process.stderr.write(`archives: following ${options.url} every ${options.intervalMs / 1000} s (Ctrl-C to stop)\n`);
    for (;;) {
      const polledAt = Date.now();
      try {
        if (options.flush) {
          // What failed to flush stays buffered and is retried by the collector: say so, keep following.
          const report = await client.flush();
          if (report.errors.length > 0) process.stderr.write(`archives: flush failed: ${report.errors.join("; ")}\n`);
        }
        for await (const event of matchingEvents(from, "now", Number.POSITIVE_INFINITY)) {
          if (printedAt.has(event.id)) continue;
          printedAt.set(event.id, event.timestamp);
          print(JSON.stringify(event));
          if (options.limit !== undefined && ++printed >= options.limit) return;
        }
        from = polledAt - LOOK_BACK_MS;
        for (const [id, timestamp] of printedAt) if (timestamp < from) printedAt.delete(id);
        if (waiting) process.stderr.write("archives: reachable again\n");
        waiting = false;
      } catch (error) {
        // A restarting dev server is waited for; anything else ends the command.
        if (error.kind !== "unreachable") throw error;
        if (!waiting) process.stderr.write(`archives: ${error.message}; retrying every ${options.intervalMs / 1000} s\n`);
        waiting = true;
      }
      await sleep(options.intervalMs);
    }
  },

  async get() {
    const events = await client.getArchive(args[0]);
    if (options.ndjson) for (const event of events) print(JSON.stringify(event));
    else print(JSON.stringify(events, null, 2));
  },

  async query() {
    let body;
    try {
      body = JSON.parse(args[0]);
    } catch (error) {
      throw new UsageError(`the query is not valid JSON: ${error.message}`);
    }
    const answer = await client.query(body);
    for (const row of answer.rows) print(JSON.stringify(row));
    const { objects, bytes, events, buffered } = answer.scanned;
    process.stderr.write(
      `archives: ${answer.rows.length} rows${answer.truncated ? " (truncated)" : ""}; read ${objects} objects, ${bytes} bytes, ${events} events (${buffered} buffered)\n`,
    );
  },
};

/** Dates that have objects, from the listing's "folders" under tail-events/. */
async function listDates() {
  return (await client.prefixes(ARCHIVE_PREFIX)).map((prefix) => prefix.slice(ARCHIVE_PREFIX.length).replace(/\/$/, "")).filter(isDate);
}

/**
 * The events the filters match, oldest first, page after page of POST /query {select:"events"}.
 * The first answer's resolved range fixes `to` for the pages after it.
 */
async function* matchingEvents(from, to, limit) {
  const where = filterConditions(options.filter);
  let after;
  let until = to;
  for (;;) {
    const size = Math.min(PAGE_SIZE, limit);
    const page = [];
    let more = false;
    for (const body of pageQueries({ where, from, to: until, size, after })) {
      const answer = await queryOrUsage(body);
      until = answer.range?.to ?? until;
      page.push(...answer.rows);
      more = pageHasMore(answer);
      if (page.length >= size) break;
    }
    yield* page;
    if (!more || page.length === 0) return;
    const last = page[page.length - 1];
    after = { timestamp: last.timestamp, id: last.id };
    limit -= page.length;
    if (limit <= 0) return;
  }
}

/** POST /query; a 400 is a usage error (a bad time, field or value), named by do-tail. */
async function queryOrUsage(body) {
  try {
    return await client.query(body);
  } catch (error) {
    if (error.status === 400) throw new UsageError(error.message.replace(/^POST \/query: HTTP 400: /, ""));
    throw error;
  }
}

try {
  await commands[command]();
} catch (error) {
  process.stderr.write(`archives: ${error.message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
