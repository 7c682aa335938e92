import { describe, expect, it } from "vitest";
import { archivedEvents, archivedJson } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

describe("numbers beyond the double range", () => {
  it("are archived as null and marked, never as the line's 1e400 that serde_json and Go refuse", () => {
    const line = '{"_event":"calc","huge":1e400,"tiny":-1E+999,"list":[1,2e308],"ok":1.5,"big":123456789012345678901234567890}';
    const [json] = archivedJson(traceItem({ logs: [log("log", line)] })).slice(1);
    for (const written of ["1e400", "1E+999", "2e308"]) expect(json).not.toContain(written);
    const [, event] = archivedEvents(traceItem({ logs: [log("log", line)] }));
    expect(event!.data).toMatchObject({ huge: null, tiny: null, list: [1, null], ok: 1.5 });
    expect(event!.parseError).toBe("3 numbers JSON cannot hold (NaN, Infinity or beyond the double range) archived as null");
  });

  it("marks them under any field name, in array lines, lenient lines and arguments", () => {
    const events = archivedEvents(
      traceItem({
        logs: [
          log("log", '{"ip":1e400,"x-forwarded-for":-1e400}'),
          log("log", "[1e400, 2]"),
          log("log", "{a: 1e400, b: 'x',}"),
          log("log", { ratio: Number.NaN, limit: Number.POSITIVE_INFINITY }),
        ],
      }),
    );
    expect(events.slice(1).map((event) => event.parseError?.match(/(\d+) numbers? JSON cannot hold/)?.[1])).toEqual(["2", "1", "1", "2"]);
    expect(events[1]!.data).toEqual({ ip: null, "x-forwarded-for": null });
    expect(events[2]!.data).toEqual({ args: [[null, 2]] });
  });

  it("leaves a line of finite numbers byte for byte, large integers and 1.0 included", () => {
    const line = '{"_event":"calc","big":123456789012345678901234567890,"one":1.0,"max":1.7976931348623157e308}';
    const [json] = archivedJson(traceItem({ logs: [log("log", line)] })).slice(1);
    expect(json).toContain(`"data":${line}}`);
    expect(json).not.toContain("parseError");
  });
});

describe("times the archive cannot file", () => {
  it("are replaced, and marked with what they were: the platform's 1e300 or -5 would otherwise break every SQL reader's cast to an integer time", () => {
    const before = Date.now();
    const item = traceItem({
      eventTimestamp: 1e300,
      logs: [{ ...log("log", "far"), timestamp: -5 }, { ...log("log", "later"), timestamp: 1e300 }, log("log", "fine")],
      exceptions: [{ timestamp: 253_402_300_800_000, name: "Error", message: "after 9999", stack: "" }],
    });
    const [invocation, far, later, fine, exception] = archivedEvents(item);
    expect(invocation!.timestamp).toBeGreaterThanOrEqual(before);
    expect(invocation!.parseError).toContain("timestamp: 1e+300 is not a time from 1970 to 9999, the time received used");
    for (const event of [far, later, exception]) {
      expect(event!.timestamp).toBe(invocation!.timestamp);
      expect(event!.parseError).toMatch(/timestamp: .* is not a time from 1970 to 9999, the invocation's time used/);
    }
    expect(fine!.timestamp).toBe(item.logs[2]!.timestamp);
    expect(fine!.parseError).toBeUndefined();
  });

  it("fall back to the first log's time when only the invocation's is unusable", () => {
    const item = traceItem({ eventTimestamp: -1, logs: [log("log", "first")] });
    const [invocation, first] = archivedEvents(item);
    expect(invocation!.timestamp).toBe(item.logs[0]!.timestamp);
    expect(invocation!.parseError).toContain("timestamp: -1 is not a time from 1970 to 9999, the first log's time used");
    expect(first!.parseError).toBeUndefined();
  });
});
