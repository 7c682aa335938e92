import { describe, expect, it } from "vitest";
import { archivedEvents, archivedJson } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

const SECRET = "Sx9secretVALUE77";

/** The archived text of each string logged as a console line of its own. */
function archivedTexts(texts: readonly string[]): (string | undefined)[] {
  return archivedEvents(traceItem({ logs: texts.map((text) => log("log", text)) }))
    .slice(1)
    .map((event) => event.text);
}

describe("secrets after their name written loosely", () => {
  it("redacts a credential-like value after a tab, ->, | or 'is', the name of one word or two", () => {
    expect(
      archivedTexts([
        `password\t${SECRET}`,
        `db_password\t\t${SECRET}\tprimary`,
        `api_key -> ${SECRET}`,
        `| password | ${SECRET} |`,
        `token|${SECRET}`,
        `your password is ${SECRET}`,
        `the API key is ${SECRET}.`,
        `client secret is '${SECRET} two'`,
      ]),
    ).toEqual([
      "password\t[REDACTED]",
      "db_password\t\t[REDACTED]\tprimary",
      "api_key -> [REDACTED]",
      "| password | [REDACTED] |",
      "token|[REDACTED]",
      "your password is [REDACTED]",
      "the API key is [REDACTED]",
      "client secret is '[REDACTED]'",
    ]);
  });

  it("redacts the value after a colon ending a phrase that holds a secret's name", () => {
    expect(
      archivedTexts([
        `Invalid API key provided: ${SECRET}`,
        `password for user bob: ${SECRET}`,
        `Generated access token for app 12: ${SECRET}`,
      ]),
    ).toEqual([
      "Invalid API key provided: [REDACTED]",
      "password for user bob: [REDACTED]",
      "Generated access token for app 12: [REDACTED]",
    ]);
  });

  it("redacts the password of a user:password@host written without a scheme, before a port or a path", () => {
    expect(archivedTexts([`connecting to admin:${SECRET}@db.internal:5432`, `using app:${SECRET}@cache/0 now`])).toEqual([
      "connecting to admin:[REDACTED]@db.internal:5432",
      "using app:[REDACTED]@cache/0 now",
    ]);
  });

  it("redacts an OAuth authorization code in a URL, and keeps short codes", () => {
    const code = "4/0AX4XfWh7Lq2bC9dE1fG3hJ5kM";
    const [, event] = archivedEvents(
      traceItem({
        logs: [
          log("log", {
            callback: `https://app.example/cb?code=${encodeURIComponent(code)}&state=xyz`,
            github: "https://app.example/oauth?state=1&code=9f8e7d6c5b4a39281706",
            promo: "https://shop.example/cart?code=SUMMER25",
            status: "https://api.example/errors?code=ERR_RATE_LIMITED",
          }),
        ],
      }),
    );
    expect(event!.data).toEqual({
      callback: "https://app.example/cb?code=[REDACTED]&state=xyz",
      github: "https://app.example/oauth?state=1&code=[REDACTED]",
      promo: "https://shop.example/cart?code=SUMMER25",
      status: "https://api.example/errors?code=ERR_RATE_LIMITED",
    });
  });

  it("keeps prose, tables and mappings that hold no credential", () => {
    const kept = [
      "the token is expired",
      "password is required",
      "The secret is out",
      "The session is active",
      "token count: 1500",
      "token usage: 812 tokens",
      "tokens -> 1500",
      "passwords | 3",
      "Password reset requested for: bob@example.com",
      "API key rotated at: 2026-01-01T00:00:00Z",
      "name\tpassword\temail",
      "a | b | c",
      "status -> OK",
      "user -> bob2",
      "signature is valid",
      "mailto:john.doe2@example.com",
      "git@github.com:org/repo.git",
      "version is 1.2.3",
    ];
    expect(archivedTexts(kept)).toEqual(kept);
  });

  it("redacts these forms in a JSON line's string, an exception and a diagnostics-channel message", () => {
    const text = `step 2 -> api_key -> ${SECRET}`;
    const json = archivedJson(
      traceItem({
        logs: [log("log", JSON.stringify({ _event: "setup", note: text }))],
        exceptions: [{ timestamp: 1, name: "Error", message: `failed: your password is ${SECRET}`, stack: `Error: ${text}` }],
        diagnosticsChannelEvents: [{ timestamp: 1, channel: "setup", message: { note: `secret\t${SECRET}` } }],
      }),
    ).join("\n");
    expect(json).not.toContain(SECRET);
    expect(json.split("api_key -> [REDACTED]").length - 1).toBe(2);
    expect(json).toContain("your password is [REDACTED]");
    expect(json).toContain("secret\\t[REDACTED]");
  });
});
