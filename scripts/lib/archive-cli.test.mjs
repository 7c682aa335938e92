import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  chronological,
  datesInRange,
  eventFilter,
  globMatcher,
  objectMayMatch,
  objectsPrefix,
  parseCliArgs,
  parseTime,
  parseWhere,
  readField,
  UsageError,
  whereHolds,
} from "./archive-cli.mjs";

// The archive CLI's argument parsing and filters (`npm run test:cli`). The commands themselves
// talk to a running do-tail and were checked against `npm run dev`.

const NOW = Date.UTC(2030, 0, 2, 12, 0, 0);
const event = (overrides = {}) => ({
  id: "abc-1",
  type: "run_complete",
  kind: "log",
  importance: 2,
  timestamp: NOW - 60_000,
  script: "code-runner",
  namespace: null,
  data: { _event: "run_complete", capsuleId: "cap_1", durationMs: 1200, status: "success", tags: ["x"], nested: { region: "weur" } },
  ...overrides,
});

describe("parseCliArgs", () => {
  it("reads a command, filters and options", () => {
    const { command, options } = parseCliArgs(
      [
        "events",
        "--type",
        "run_*",
        "--importance",
        "HIGH",
        "--since",
        "-1h",
        "--where",
        "durationMs>1000",
        "--where",
        "capsuleId=cap_1",
        "--grep",
        "Success",
        "--limit",
        "5",
        "--url",
        "https://do-tail.example.workers.dev",
        "--token",
        "t",
      ],
      NOW,
    );
    assert.equal(command, "events");
    assert.equal(options.url, "https://do-tail.example.workers.dev");
    assert.equal(options.token, "t");
    assert.equal(options.limit, 5);
    assert.equal(options.filter.importance, 1);
    assert.equal(options.filter.since, NOW - 3_600_000);
    assert.deepEqual(options.filter.where, [
      { field: "durationMs", op: ">", value: "1000" },
      { field: "capsuleId", op: "=", value: "cap_1" },
    ]);
  });

  it("defaults to the local pipeline", () => {
    assert.equal(parseCliArgs(["dates"]).options.url, "http://localhost:8788");
  });

  it("refuses what it cannot use, with a usage error naming it", () => {
    const refused = (argv, pattern) =>
      assert.throws(
        () => parseCliArgs(argv, NOW),
        (error) => error instanceof UsageError && pattern.test(error.message),
      );
    refused([], /give a command/);
    refused(["lsit"], /unknown command "lsit"/);
    refused(["get"], /get takes one archive key/);
    refused(["events", "--importance", "7"], /--importance "7"/);
    refused(["events", "--since", "last tuesday"], /--since "last tuesday" is not a time/);
    refused(["events", "--since", "-1h", "--until", "-2h"], /--since is after --until/);
    refused(["events", "--where", "nooperator"], /--where "nooperator"/);
    refused(["events", "--limit", "0"], /--limit/);
    refused(["events", "--bogus"], /bogus/);
    refused(["importances", "yesterday"], /not a date/);
    refused(["dates", "--url", "not a url"], /--url/);
  });
});

describe("times", () => {
  it("reads relative, ISO and epoch forms", () => {
    assert.equal(parseTime("--since", "-15m", NOW), NOW - 900_000);
    assert.equal(parseTime("--since", "2030-01-01T00:00:00Z", NOW), Date.UTC(2030, 0, 1));
    assert.equal(parseTime("--since", "2030-01-01", NOW), Date.UTC(2030, 0, 1));
    assert.equal(parseTime("--since", String(NOW), NOW), NOW);
  });

  // The rules of /query's from and to (tail-worker/query/time-range.ts, README "Queries"), so that
  // --since means what "from" would.
  it("follows /query's rules for relative times, epochs and ISO times", () => {
    const time = (text) => parseTime("--since", text, NOW);
    const refused = (text, pattern) =>
      assert.throws(
        () => time(text),
        (error) => error instanceof UsageError && pattern.test(error.message),
      );
    assert.equal(time("now"), NOW);
    assert.equal(time("-1h"), NOW - 3_600_000);
    assert.equal(time("-7d"), NOW - 7 * 86_400_000);
    assert.equal(time("-1.5h"), NOW - 5_400_000);
    assert.equal(time("- 15 m"), NOW - 900_000);
    assert.equal(parseCliArgs(["events", "--since", "- 15 m"], NOW).options.filter.since, NOW - 900_000);
    // Epoch ms of any length, as /query reads "0" or "1234".
    assert.equal(time("0"), 0);
    assert.equal(time("1234"), 1234);
    // A duration without its minus is not a time for /query either.
    refused("2h", /"2h" is not a time.*-2h/);
    refused("yesterday", /not a time/);
    // Past the year 9999 no archive key can hold the date.
    assert.equal(time("253402300799999"), 253_402_300_799_999);
    refused("253402300800000", /outside the range of dates/);
  });

  it("reads an ISO time without an offset as UTC, as /query (in workerd) does, whatever the local zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      assert.equal(parseTime("--since", "2030-01-01T10:00", NOW), Date.UTC(2030, 0, 1, 10));
      assert.equal(parseTime("--since", "2030-01-01 10:00:00.5", NOW), Date.UTC(2030, 0, 1, 10, 0, 0, 500));
      assert.equal(parseTime("--since", "2030-01-01T10:00+02:00", NOW), Date.UTC(2030, 0, 1, 8));
      assert.equal(parseTime("--since", "2030-01-01", NOW), Date.UTC(2030, 0, 1));
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

describe("filters", () => {
  it("reads envelope fields from the envelope and other names from data", () => {
    assert.equal(readField(event(), "type"), "run_complete");
    assert.equal(readField(event(), "capsuleId"), "cap_1");
    assert.equal(readField(event(), "nested.region"), "weur");
    assert.equal(readField(event(), "data.durationMs"), 1200);
    assert.equal(readField(event(), "nope.deeper"), undefined);
  });

  it("reads channel, a diagnostics event's envelope field, from the envelope", () => {
    const diagnostic = event({ kind: "diagnostic", channel: "do-framework", data: { channel: "email" } });
    assert.equal(readField(diagnostic, "channel"), "do-framework");
    assert.equal(whereHolds(diagnostic, parseWhere("channel=do-framework")), true);
    assert.equal(readField(diagnostic, "data.channel"), "email");
  });

  it("compares --where values like /query does", () => {
    const holds = (text) => whereHolds(event(), parseWhere(text));
    assert.equal(holds("durationMs=1200"), true);
    assert.equal(holds("durationMs>1000"), true);
    assert.equal(holds("durationMs>=1201"), false);
    assert.equal(holds("durationMs<abc"), false);
    assert.equal(holds("status!=failed"), true);
    assert.equal(holds("status~SUCC"), true);
    assert.equal(holds("tags~x"), true);
    assert.equal(holds("importance<=2"), true);
    assert.equal(holds("missing=null"), true);
    assert.equal(holds("url=https://a.example/?q=1"), false);
    assert.deepEqual(parseWhere("url=https://a.example/?q=1"), { field: "url", op: "=", value: "https://a.example/?q=1" });
  });

  it("combines every filter", () => {
    const matches = eventFilter(
      parseCliArgs(
        [
          "events",
          "--type",
          "RUN_*",
          "--script",
          "code-runner",
          "--importance",
          "2",
          "--since",
          "-5m",
          "--where",
          "durationMs>1000",
          "--grep",
          "CAP_1",
        ],
        NOW,
      ).options.filter,
    );
    assert.equal(matches(event()), true);
    assert.equal(matches(event({ type: "session_start" })), false);
    assert.equal(matches(event({ script: "other" })), false);
    assert.equal(matches(event({ importance: 1 })), false);
    assert.equal(matches(event({ timestamp: NOW - 600_000 })), false);
    assert.equal(matches(event({ data: { capsuleId: "cap_1", durationMs: 10 } })), false);
    assert.equal(matches(event({ data: { capsuleId: "cap_2", durationMs: 2000 } })), false);
  });

  it("globs event types case-insensitively and literally otherwise", () => {
    assert.equal(globMatcher("error_*")("error_rate_limit"), true);
    assert.equal(globMatcher("a.b")("aXb"), false);
    assert.equal(globMatcher("*failed")("payment_FAILED"), true);
  });
});

describe("listing pruning", () => {
  const object = (key, firstEventAt, lastEventAt) => ({ key, customMetadata: { firstEventAt, lastEventAt } });
  const filter = (argv) => parseCliArgs(["events", ...argv], NOW).options.filter;

  it("skips objects by importance and by first/last event time", () => {
    const o = object("tail-events/2030-01-02/importance-1/10-00-abc.json", "2030-01-02T10:00:00.000Z", "2030-01-02T10:30:00.000Z");
    assert.equal(objectMayMatch(o, filter([])), true);
    assert.equal(objectMayMatch(o, filter(["--importance", "1"])), true);
    assert.equal(objectMayMatch(o, filter(["--importance", "2"])), false);
    assert.equal(objectMayMatch(o, filter(["--since", "2030-01-02T10:31:00Z"])), false);
    assert.equal(objectMayMatch(o, filter(["--since", "2030-01-02T10:29:00Z"])), true);
    assert.equal(objectMayMatch(o, filter(["--until", "2030-01-02T09:59:00Z"])), false);
    assert.equal(objectMayMatch(object("not-an-archive.json"), filter([])), false);
  });

  it("keeps the dates of the range and orders objects by their first event", () => {
    assert.deepEqual(datesInRange(["2030-01-01", "2030-01-02", "2030-01-03"], filter(["--since", "-1h"])), ["2030-01-02", "2030-01-03"]);
    assert.deepEqual(datesInRange(["2030-01-01", "2030-01-02"], filter(["--until", "2030-01-01T23:00:00Z"])), ["2030-01-01"]);
    const a = object("tail-events/2030-01-02/importance-3/09-00-a.json", "2030-01-02T09:00:00.000Z");
    const b = object("tail-events/2030-01-02/importance-0/10-00-b.json", "2030-01-02T10:00:00.000Z");
    assert.deepEqual(
      chronological([b, a]).map((o) => o.key),
      [a.key, b.key],
    );
  });

  it("turns an objects argument into a prefix", () => {
    assert.equal(objectsPrefix(undefined), "tail-events/");
    assert.equal(objectsPrefix("2030-01-02"), "tail-events/2030-01-02/");
    assert.equal(objectsPrefix("tail-events/2030-01-02/importance-1/"), "tail-events/2030-01-02/importance-1/");
    assert.throws(() => objectsPrefix("private/"), UsageError);
  });
});
