import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { filterConditions, objectsPrefix, pageQueries, parseCliArgs, parseWhere, UsageError } from "./archive-cli.mjs";

// The archive CLI's argument parsing and the /query bodies its flags become (`npm run test:cli`).
// What those bodies mean is do-tail's filter language, tested in workerd (test/archive-cli-query.test.ts).

describe("parseCliArgs", () => {
  it("reads a command, filters and options", () => {
    const { command, options } = parseCliArgs([
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
    ]);
    assert.equal(command, "events");
    assert.equal(options.url, "https://do-tail.example.workers.dev");
    assert.equal(options.token, "t");
    assert.equal(options.limit, 5);
    assert.equal(options.filter.importance, 1);
    assert.equal(options.filter.since, "-1h");
    assert.deepEqual(filterConditions(options.filter), [
      { field: "type", op: "glob", value: "run_*" },
      { field: "importance", op: "eq", value: 1 },
      { field: "durationMs", op: "gt", value: "1000" },
      { field: "capsuleId", op: "eq", value: "cap_1" },
      { field: "*", op: "contains", value: "Success" },
    ]);
  });

  it("defaults to the local pipeline", () => {
    assert.equal(parseCliArgs(["dates"]).options.url, "http://localhost:8788");
  });

  it("refuses what it cannot use, with a usage error naming it", () => {
    const refused = (argv, pattern) =>
      assert.throws(
        () => parseCliArgs(argv),
        (error) => error instanceof UsageError && pattern.test(error.message),
      );
    refused([], /give a command/);
    refused(["lsit"], /unknown command "lsit"/);
    refused(["get"], /get takes one archive key/);
    refused(["events", "--importance", "7"], /--importance "7"/);
    refused(["events", "--where", "nooperator"], /--where "nooperator"/);
    refused(["events", "--limit", "0"], /--limit/);
    refused(["events", "--bogus"], /bogus/);
    refused(["importances", "yesterday"], /not a date/);
    refused(["dates", "--url", "not a url"], /--url/);
  });
});

describe("--where", () => {
  it("turns each operator into a condition of the filter language, values as text", () => {
    assert.deepEqual(parseWhere("durationMs>=1000"), { field: "durationMs", op: "gte", value: "1000" });
    assert.deepEqual(parseWhere("status!=failed"), { field: "status", op: "ne", value: "failed" });
    assert.deepEqual(parseWhere("status~SUCC"), { field: "status", op: "contains", value: "SUCC" });
    assert.deepEqual(parseWhere("importance<=2"), { field: "importance", op: "lte", value: "2" });
    assert.deepEqual(parseWhere("url=https://a.example/?q=1"), { field: "url", op: "eq", value: "https://a.example/?q=1" });
  });

  it("means a missing field by null, as /query does, and the text null when quoted", () => {
    assert.deepEqual(parseWhere("missing=null"), { field: "missing", op: "eq", value: null });
    assert.deepEqual(parseWhere("present!=null"), { field: "present", op: "ne", value: null });
    assert.deepEqual(parseWhere('word="null"'), { field: "word", op: "eq", value: "null" });
    assert.deepEqual(parseWhere("word~null"), { field: "word", op: "contains", value: "null" });
    assert.throws(() => parseCliArgs(["events", "--where", "nooperator"]), UsageError);
  });
});

describe("pages of events", () => {
  const where = [{ field: "type", op: "eq", value: "x" }];
  it("asks for the oldest events first", () => {
    assert.deepEqual(pageQueries({ where, from: "-1h", to: "now", size: 10 }), [
      { select: "events", where, from: "-1h", to: "now", limit: 10, orderBy: [{ field: "timestamp", dir: "asc" }] },
    ]);
  });

  it("continues after the last event: the rest of its millisecond by id, then what follows", () => {
    const [sameMs, later] = pageQueries({
      where,
      from: "-1h",
      to: "2030-01-02T12:00:00.000Z",
      size: 10,
      after: { timestamp: 500, id: "b-3" },
    });
    assert.deepEqual(sameMs, {
      select: "events",
      where: [...where, { field: "id", op: "gt", value: "b-3" }],
      from: 500,
      to: 500,
      limit: 10,
      orderBy: [{ field: "id", dir: "asc" }],
    });
    assert.deepEqual(later, {
      select: "events",
      where,
      from: 501,
      to: "2030-01-02T12:00:00.000Z",
      limit: 10,
      orderBy: [{ field: "timestamp", dir: "asc" }],
    });
  });
});

describe("objects", () => {
  it("turns an objects argument into a prefix", () => {
    assert.equal(objectsPrefix(undefined), "tail-events/");
    assert.equal(objectsPrefix("2030-01-02"), "tail-events/2030-01-02/");
    assert.equal(objectsPrefix("tail-events/2030-01-02/importance-1/"), "tail-events/2030-01-02/importance-1/");
    assert.throws(() => objectsPrefix("private/"), UsageError);
  });
});
