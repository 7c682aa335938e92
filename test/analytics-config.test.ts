import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../schemas/config/config";
import type { Env } from "../schemas/config/env";

// ANALYTICS_MAPPINGS_DISABLED switches single mappings off: event names or whole DO namespaces.

const disabled = (value?: string) =>
  loadConfig({ TAIL_COLLECTOR: env.TAIL_COLLECTOR, ARCHIVE: env.ARCHIVE, ANALYTICS_MAPPINGS_DISABLED: value } as Env)
    .analyticsMappingsDisabled;

describe("ANALYTICS_MAPPINGS_DISABLED", () => {
  it("switches nothing off by default", () => {
    expect(disabled()).toEqual(new Set());
    expect(disabled("")).toEqual(new Set());
  });

  it("takes a comma-separated list of mapped event names", () => {
    expect(disabled(" player_console_log , heartbeat,")).toEqual(new Set(["player_console_log", "heartbeat"]));
  });

  it("takes a DO-framework namespace followed by .* for all its events", () => {
    expect(disabled("Telephony.*,DO.Lifecycle.*")).toEqual(
      new Set([
        "Telephony.Call.started",
        "Telephony.Call.ended",
        "DO.Lifecycle.created",
        "DO.Lifecycle.hibernated",
        "DO.Lifecycle.awakened",
        "DO.Lifecycle.deleted",
      ]),
    );
  });

  it.each(["heartbeats", "session_created", "toString.*", "AI.Generation.*", "*"])("rejects %s, naming the setting", (value) => {
    expect(() => disabled(value)).toThrow(ConfigError);
    expect(() => disabled(value)).toThrow(/ANALYTICS_MAPPINGS_DISABLED/);
  });
});
