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
