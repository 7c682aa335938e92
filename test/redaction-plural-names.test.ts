import { describe, expect, it } from "vitest";
import { archivedEvents, archivedJson } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

const SECRET = "Sx9secretVALUE77";
const GITHUB_TOKEN = `ghp_${"A1b2C3d4E5".repeat(3)}Q7r8Z9`;

describe("secrets under the plural of a secret's name", () => {
  it("redacts every string at any depth below passwords, apiKeys, secrets and signatures, and long ones below tokens", () => {
    const data = {
      passwords: [SECRET, `${SECRET}2`, "short"],
      tokens: { access: SECRET, refresh: SECRET, nested: [{ value: SECRET, label: "primary" }] },
      apiKeys: [{ provider: "maps", key: SECRET }],
      secrets: SECRET,
      webhookSignatures: ["v1,abc123", "v0,def456"],
    };
    const [, fromData, fromLine] = archivedEvents(
      traceItem({ logs: [log("log", data), log("log", JSON.stringify({ _event: "keys", ...data }))] }),
    );
    const redacted = {
      passwords: ["[REDACTED]", "[REDACTED]", "[REDACTED]"],
      tokens: { access: "[REDACTED]", refresh: "[REDACTED]", nested: [{ value: "[REDACTED]", label: "primary" }] },
      apiKeys: [{ provider: "[REDACTED]", key: "[REDACTED]" }],
      secrets: "[REDACTED]",
      webhookSignatures: ["[REDACTED]", "[REDACTED]"],
    };
    expect(fromData!.data).toEqual(redacted);
    expect(fromLine!.data).toEqual({ _event: "keys", ...redacted });
  });

  it("redacts the numbers below a plural, and plurals whose secrets are numbers whole", () => {
    const data = {
      verificationCodes: [482913, 551207],
      otps: [123456],
      cvvs: [123],
      cardNumbers: [4111111111111111],
      creditCards: [4111111111111111],
      secrets: { otp: 482913, DB: 98765432 },
      passwords2: ["hunter2x"],
    };
    const [, event] = archivedEvents(traceItem({ logs: [log("log", JSON.stringify({ _event: "codes", ...data }))] }));
    expect(event!.data).toEqual({
      _event: "codes",
      verificationCodes: "[REDACTED]",
      otps: "[REDACTED]",
      cvvs: "[REDACTED]",
      cardNumbers: "[REDACTED]",
      creditCards: "[REDACTED]",
      secrets: { otp: "[REDACTED]", DB: "[REDACTED]" },
      passwords2: ["[REDACTED]"],
    });
  });

  it("keeps a model's tokens, special tokens and a plural's own count", () => {
    const data = {
      logprobs: { tokens: [" Hello", " world", "</s>", "<|begin_of_text|>"] },
      stop_tokens: ["</s>", "\n\n"],
      tokens: "1500",
      secrets: 3,
      passwords: [""],
    };
    const [, event] = archivedEvents(traceItem({ logs: [log("log", data)] }));
    expect(event!.data).toEqual(data);
  });

  it("keeps numbers, flags and nulls below them (a model's token counts), and such a line byte for byte", () => {
    const line =
      '{"_event":"completion","tokens":{"input":812,"output":95,"cached":null,"estimated":false,"ratio":1.0},"totalTokens":907,"max_tokens":4096}';
    const [, event] = archivedJson(traceItem({ logs: [log("log", line)] }));
    expect(event).toContain(`"data":${line}}`);
  });

  it("hashes a credential used as a key below a plural name, as anywhere else", () => {
    const [, event] = archivedEvents(
      traceItem({ logs: [log("log", JSON.stringify({ _event: "owners", tokens: { [GITHUB_TOKEN]: "ci" } }))] }),
    );
    const tokens = event!.data.tokens as Record<string, unknown>;
    expect(Object.keys(tokens)).toEqual([expect.stringMatching(/^secret:[0-9a-f]{16}$/)]);
    expect(Object.values(tokens)).toEqual(["ci"]);
    expect(JSON.stringify(event)).not.toContain(GITHUB_TOKEN);
  });

  it("redacts a plural name's value in pairs, entries and text, and keeps counts written in text", () => {
    const [, pairs, text] = archivedEvents(
      traceItem({
        logs: [
          log("log", { headers: [["tokens", SECRET]], env: [{ name: "DB_PASSWORDS", value: `a,${SECRET}` }] }),
          log("log", `tokens=${SECRET} passwords: "${SECRET}" tokens=1500 secrets=3`),
        ],
      }),
    );
    expect(pairs!.data).toEqual({ headers: [["tokens", "[REDACTED]"]], env: [{ name: "DB_PASSWORDS", value: "[REDACTED]" }] });
    expect(text!.text).toBe('tokens=[REDACTED] passwords: "[REDACTED]" tokens=1500 secrets=3');
  });

  it("keeps names that only end like a plural: passengers, sessions, tokenCount, bypasses", () => {
    const data = { passengers: SECRET, sessions: 3, tokenCount: SECRET, bypasses: SECRET, compasses: SECRET };
    const [, event] = archivedEvents(traceItem({ logs: [log("log", data)] }));
    expect(event!.data).toEqual(data);
  });

  it("searches what a model's tokens hold as any data: pairs, entries, argv flags and text", () => {
    const [, event] = archivedEvents(
      traceItem({
        logs: [
          log(
            "log",
            JSON.stringify({
              _event: "t",
              tokens: {
                pair: [["password", "hunter2x"]],
                entry: [{ name: "password", value: "hunter2x" }],
                argv: ["--password", "hunter2x"],
                note: "pwd=hunter2x",
              },
            }),
          ),
        ],
      }),
    );
    expect(event!.data).toEqual({
      _event: "t",
      tokens: {
        pair: [["password", "[REDACTED]"]],
        entry: [{ name: "password", value: "[REDACTED]" }],
        argv: ["--password", "[REDACTED]"],
        note: "pwd=[REDACTED]",
      },
    });
  });
});
