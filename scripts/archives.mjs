import { setTimeout as sleep } from "node:timers/promises";
import {
  ARCHIVE_PREFIX,
  chronological,
  datesInRange,
  eventFilter,
  IMPORTANCE_NAMES,
  objectMayMatch,
  objectsPrefix,
  parseCliArgs,
  parseKey,
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
    const matches = eventFilter(options.filter);
    let printed = 0;
    for (const date of datesInRange(await listDates(), options.filter)) {
      const prefix = `${ARCHIVE_PREFIX}${date}/${options.filter.importance === undefined ? "" : `importance-${options.filter.importance}/`}`;
      const objects = [];
      for await (const object of client.archives(prefix)) if (objectMayMatch(object, options.filter)) objects.push(object);
      for (const object of chronological(objects)) {
        for (const event of await client.getArchive(object.key)) {
          if (!matches(event)) continue;
          print(JSON.stringify(event));
          if (options.limit !== undefined && ++printed >= options.limit) return;
        }
      }
    }
  },

  async follow() {
    const matches = eventFilter(options.filter);
    const seen = new Set();
    let printed = 0;
    let first = true;
    let waiting = false;
    process.stderr.write(`archives: following ${options.url} every ${options.intervalMs / 1000} s (Ctrl-C to stop)\n`);
    for (;;) {
      try {
        if (options.flush) {
          // What failed to flush stays buffered and is retried by the collector: say so, keep following.
          const report = await client.flush();
          if (report.errors.length > 0) process.stderr.write(`archives: flush failed: ${report.errors.join("; ")}\n`);
        }
        const now = Date.now();
        // Today's objects, and yesterday's around midnight (UTC).
        const days = [...new Set([now - 86_400_000, now].map((t) => new Date(t).toISOString().slice(0, 10)))];
        const fresh = [];
        for (const day of days) {
          for await (const object of client.archives(`${ARCHIVE_PREFIX}${day}/`)) {
            if (seen.has(object.key)) continue;
            seen.add(object.key);
            // Objects already there when following starts are shown only when --since asks for them.
            if (first && options.filter.since === undefined) continue;
            if (objectMayMatch(object, options.filter)) fresh.push(object);
          }
        }
        for (const object of chronological(fresh)) {
          for (const event of await client.getArchive(object.key)) {
            if (!matches(event)) continue;
            print(JSON.stringify(event));
            if (options.limit !== undefined && ++printed >= options.limit) return;
          }
        }
        first = false;
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
  return (await client.prefixes(ARCHIVE_PREFIX))
    .map((prefix) => prefix.slice(ARCHIVE_PREFIX.length).replace(/\/$/, ""))
    .filter((d) => parseKey(`${ARCHIVE_PREFIX}${d}/importance-0/00-00-x.json`));
}

try {
  await commands[command]();
} catch (error) {
  process.stderr.write(`archives: ${error.message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
}
