import { env } from "cloudflare:workers";
import { it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import { toWireEvents } from "../tail-worker/tail-handler";
import { realisticInvocations } from "./realistic-mix";
import { medianMs, report } from "./report";

/**
 * CPU per event of the tail path (parse, redact, classify, validate, sample, serialise; no I/O)
 * against the floor on the same data in the same run: JSON.parse of every log line plus
 * JSON.stringify of every output event. Rounds alternate so that both see the same machine.
 */
it("tail path CPU per event against the floor", () => {
  const config = loadConfig(env);
  // 3,000 invocations: long enough runs that the runtime's coarse clock does not blur the figures.
  const items = realisticInvocations(3000);
  const now = Date.now();
  const lines = items.flatMap((item) => item.logs.map((log) => log.message[0] as string));
  const outputs = toWireEvents(items, config, now).map((event) => JSON.parse(event.json) as unknown);
  const events = outputs.length;

  const floor = () => {
    // Plain-text lines are not JSON: a floor would not parse them either (nor does the tail path).
    for (const line of lines) if (line.charCodeAt(0) === 123) JSON.parse(line);
    for (const output of outputs) JSON.stringify(output);
  };
  // Deployed, a tail() call carries the TraceItems of one producer invocation, and its events are
  // handed on and dropped when it returns: one call per invocation here too. (One call for all
  // 3,000 kept 30,000 events alive to the end, whose copying through the young generation cost a
  // quarter of the tail path's time, a cost no deployed tail() call pays.)
  const tail = () => {
    for (const item of items) toWireEvents([item], config, now);
  };
  for (let i = 0; i < 3; i++) {
    floor();
    tail();
  }
  const rounds = { floor: [] as number[], tail: [] as number[] };
  for (let i = 0; i < 11; i++) {
    rounds.floor.push(medianMs(1, floor));
    rounds.tail.push(medianMs(1, tail));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const tailUs = (median(rounds.tail) * 1000) / events;
  const floorUs = (median(rounds.floor) * 1000) / events;
  report("tail_cpu", { events, tailUsPerEvent: tailUs, floorUsPerEvent: floorUs, ratio: tailUs / floorUs });
});
