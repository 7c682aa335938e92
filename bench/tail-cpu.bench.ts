import { env } from "cloudflare:workers";
import { it } from "vitest";
import { loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";
import { toWireEvents } from "../tail-worker/tail-handler";
// Built by bench/vitest.config.ts (see deployed-tail-path.mjs): the same code as one bundle.
import * as deployed from "./.build/tail-path.mjs";
import { realisticInvocations } from "./realistic-mix";
import { medianMs, report } from "./report";

type TailPath = (items: readonly unknown[], config: ReturnType<typeof loadConfig>, now: number) => unknown[];

/**
 * CPU per event of the tail path (parse, redact, classify, validate, sample, serialise; no I/O)
 * against the floor on the same data in the same run: JSON.parse of every log line plus
 * JSON.stringify of every output event. The tail path is measured as deployed (one bundle, as
 * wrangler builds it) and, for reference, as the tests load it (one module at a time). Rounds
 * alternate so that all three see the same machine.
 */
it("tail path CPU per event against the floor", () => {
  const deployedConfig = (deployed.loadConfig as typeof loadConfig)(env as Env);
  const config = loadConfig(env);
  // 3,000 invocations: long enough runs that the runtime's coarse clock does not blur the figures.
  const items = realisticInvocations(3000);
  const now = Date.now();
  const lines = items.flatMap((item) => item.logs.map((log) => log.message[0] as string));
  const wire = toWireEvents(items, config, now);
  const outputs = wire.map((event) => JSON.parse(event.json) as unknown);
  const events = outputs.length;
  // The bundle must archive what the modules archive (ids are drawn at random: left out).
  const withoutIds = (json: string) => json.replace(/"(?:id|invocationId)":"[^"]*"/g, "");
  const fromBundle = (deployed.toWireEvents as TailPath)(items, deployedConfig, now) as typeof wire;
  const differing = fromBundle.findIndex((event, i) => withoutIds(event.json) !== withoutIds(wire[i]?.json ?? ""));
  if (fromBundle.length !== events || differing !== -1)
    throw new Error(
      `the bundle archives the mix differently from the modules (${fromBundle.length} events against ${events}, first difference at ${differing})`,
    );

  const floor = () => {
    // Plain-text lines are not JSON: a floor would not parse them either (nor does the tail path).
    for (const line of lines) if (line.charCodeAt(0) === 123) JSON.parse(line);
    for (const output of outputs) JSON.stringify(output);
  };
  // Deployed, a tail() call carries the TraceItems of one producer invocation, and its events are
  // handed on and dropped when it returns: one call per invocation here too. (One call for all
  // 3,000 kept 30,000 events alive to the end, whose copying through the young generation cost a
  // quarter of the tail path's time, a cost no deployed tail() call pays.)
  const tailOf = (tailPath: TailPath, tailConfig: ReturnType<typeof loadConfig>) => () => {
    for (const item of items) tailPath([item], tailConfig, now);
  };
  const runs = { floor, tail: tailOf(deployed.toWireEvents as TailPath, deployedConfig), modules: tailOf(toWireEvents, config) };
  for (let i = 0; i < 3; i++) for (const run of Object.values(runs)) run();
  const rounds = { floor: [] as number[], tail: [] as number[], modules: [] as number[] };
  for (let i = 0; i < 11; i++) for (const [name, run] of Object.entries(runs)) rounds[name as keyof typeof rounds].push(medianMs(1, run));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const perEvent = (xs: number[]) => (median(xs) * 1000) / events;
  const tailUs = perEvent(rounds.tail);
  const floorUs = perEvent(rounds.floor);
  const modulesUs = perEvent(rounds.modules);
  report("tail_cpu", { events, tailUsPerEvent: tailUs, floorUsPerEvent: floorUs, ratio: tailUs / floorUs, modulesUsPerEvent: modulesUs });
});
