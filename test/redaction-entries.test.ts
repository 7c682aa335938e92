import { describe, expect, it } from "vitest";
import { archivedEvents } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

const S = "Qz7entrySecret93";

/** The archived data of one JSON line. */
function archivedData(data: object): Record<string, unknown> {
  return archivedEvents(traceItem({ logs: [log("log", JSON.stringify({ _event: "entries", ...data }))] }))[1]!.data;
}

// Objects that pair a name with a value in fields of their own: the name (or the type) decides.
describe("entries", () => {
  it("redacts the value of an entry whose name is a secret's, however the name's field is called", () => {
    const entries = [
      { path: "password", value: S, msg: "Invalid value" },
      { property: "password", value: S, constraints: { minLength: "too short" } },
      { field: "apiKey", value: S },
      { header: "x-api-key", value: S },
      { label: "Password", value: S },
      { Name: "/prod/db_password", Value: S },
      { name: "STRIPE_API_KEY", type: "plain_text", text: S },
    ];
    const data = archivedData({ entries });
    expect(JSON.stringify(data)).not.toContain(S);
    expect((data.entries as Record<string, unknown>[])[0]).toEqual({ path: "password", value: "[REDACTED]", msg: "Invalid value" });
  });

  it("redacts the value of an entry whose type says it is a secret, whatever its name", () => {
    const entries = [
      { type: "secret_text", name: "MY_VAR", text: S },
      { Name: "/prod/settings", Type: "SecureString", Value: S },
      { id: "f1", type: "CONCEALED", label: "recovery", value: S },
    ];
    const data = archivedData({ entries });
    expect(JSON.stringify(data)).not.toContain(S);
  });

  it("keeps entries whose name and type say nothing secret, and values that do not read as one under names that only sometimes name a value", () => {
    const entries = [
      { name: "API_URL", type: "plain_text", text: "https://api.example.com" },
      { path: "email", value: "not-an-email" },
      { label: "Colour", value: "blue" },
      { type: "mrkdwn", text: "*hello*" },
      { path: "/api/auth", value: 120 },
      { path: "/tags/auth", op: "add", value: "true" },
      { label: "Cookies", value: 4 },
      { label: "Signature", value: "J. Doe" },
      { property: "auth", value: "sso" },
      { param: "token", value: "present" },
      { header: "Authorization", value: "missing" },
      { path: "password", value: "" },
      { type: "plain_text", name: "AUTH", text: "enabled" },
    ];
    expect(archivedData({ entries }).entries).toEqual(entries);
    // The same written into text as JSON.
    const text = `series: ${JSON.stringify(entries)}`;
    expect(archivedEvents(traceItem({ logs: [log("log", text)] }))[1]!.text).toBe(text);
  });

  it("judges a [name, value] pair only as an item of a list, as header lists hold them: a pair of words alone is kept", () => {
    const data = archivedData({
      headers: [
        ["content-type", "text/plain"],
        ["x-api-key", S],
      ],
      issues: [{ path: ["auth", "token"], message: "Required" }],
      missing: ["password", "email"],
      tags: ["auth", "security"],
      where: ["session", "userId"],
      header: ["x-api-key", "0123456789abcdef0123"],
    });
    expect(JSON.stringify(data)).not.toContain(S);
    expect(JSON.stringify(data)).not.toContain("0123456789abcdef0123");
    expect(data).toMatchObject({
      headers: [
        ["content-type", "text/plain"],
        ["x-api-key", "[REDACTED]"],
      ],
      issues: [{ path: ["auth", "token"] }],
      missing: ["password", "email"],
      tags: ["auth", "security"],
      where: ["session", "userId"],
    });
  });
});
