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
  it("redacts a value that reads as a secret after a tab, ->, | or 'is', the name of one word or two, in any case", () => {
    expect(
      archivedTexts([
        `password\t${SECRET}`,
        `db_password\t\t${SECRET}\tprimary`,
        `password \t${SECRET}`,
        `password${"\t".repeat(9)}${SECRET}`,
        `api_key -> ${SECRET}`,
        `| password | ${SECRET} |`,
        `| password${" ".repeat(20)}| ${SECRET} |`,
        `token|${SECRET}`,
        `your password is ${SECRET}`,
        `Your Password Is ${SECRET}`,
        `PASSWORD IS ${SECRET}`,
        `the API key is ${SECRET}.`,
        `client secret is '${SECRET} two'`,
        "Your OTP is 482913",
        "otp\t482913",
        `Your new password is ${SECRET}.`,
      ]),
    ).toEqual([
      "password\t[REDACTED]",
      "db_password\t\t[REDACTED]\tprimary",
      "password \t[REDACTED]",
      `password${"\t".repeat(9)}[REDACTED]`,
      "api_key -> [REDACTED]",
      "| password | [REDACTED] |",
      `| password${" ".repeat(20)}| [REDACTED] |`,
      "token|[REDACTED]",
      "your password is [REDACTED]",
      "Your Password Is [REDACTED]",
      "PASSWORD IS [REDACTED]",
      "the API key is [REDACTED].",
      "client secret is '[REDACTED]'",
      "Your OTP is [REDACTED]",
      "otp\t[REDACTED]",
      "Your new password is [REDACTED].",
    ]);
  });

  it("redacts the value after a colon ending a phrase of a secret's name and one more word", () => {
    expect(archivedTexts([`Invalid API key provided: ${SECRET}`, `token used: ${SECRET}`, `New password set: ${SECRET}`])).toEqual([
      "Invalid API key provided: [REDACTED]",
      "token used: [REDACTED]",
      "New password set: [REDACTED]",
    ]);
  });

  it("redacts the password of a user:password@host written without a scheme, before a port or a path", () => {
    expect(
      archivedTexts([
        `connecting to admin:${SECRET}@db.internal:5432`,
        `using app:${SECRET}@cache/0 now`,
        `dsn app:${SECRET}@tcp(db:3306)/app`,
        `local app:${SECRET}@[::1]:5432`,
      ]),
    ).toEqual([
      "connecting to admin:[REDACTED]@db.internal:5432",
      "using app:[REDACTED]@cache/0 now",
      "dsn app:[REDACTED]@tcp(db:3306)/app",
      "local app:[REDACTED]@[::1]:5432",
    ]);
  });

  it("redacts an OAuth authorization code in a URL, and keeps short codes, promotion codes and SKUs", () => {
    const code = "4/0AX4XfWh7Lq2bC9dE1fG3hJ5kM";
    const [, event] = archivedEvents(
      traceItem({
        logs: [
          log("log", {
            callback: `https://app.example/cb?code=${encodeURIComponent(code)}&state=xyz`,
            github: "https://app.example/oauth?state=1&code=9f8e7d6c5b4a39281706",
            promo: "https://shop.example/cart?code=SUMMER25",
            slugPromo: "https://shop.example/cart?code=promo-summer2024-50off",
            longPromo: "https://shop.example/cart?code=SUMMER2024SALE50OFF",
            sku: "https://shop.example/item?code=SKU-2024-RED-XL-001",
            status: "https://api.example/errors?code=ERR_RATE_LIMITED",
            exchange: "code=9f8e7d6c5b4a39281706&grant_type=authorization_code",
          }),
        ],
      }),
    );
    expect(event!.data).toEqual({
      callback: "https://app.example/cb?code=[REDACTED]&state=xyz",
      github: "https://app.example/oauth?state=1&code=[REDACTED]",
      promo: "https://shop.example/cart?code=SUMMER25",
      slugPromo: "https://shop.example/cart?code=promo-summer2024-50off",
      longPromo: "https://shop.example/cart?code=SUMMER2024SALE50OFF",
      sku: "https://shop.example/item?code=SKU-2024-RED-XL-001",
      status: "https://api.example/errors?code=ERR_RATE_LIMITED",
      exchange: "code=[REDACTED]&grant_type=authorization_code",
    });
  });

  it("keeps prose, tables, mappings, ids after phrases and package references that hold no credential", () => {
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
      "renamed field token -> access_token",
      "| secret | rotated_at |",
      "Token created with id: tok_8f3a2b1c",
      "Password changed for user: bob2024",
      "Webhook signature verification failed for event: evt_1NXW2a3b4c",
      "pulled nginx:1.25@sha256:0123abcd",
      "pulled node:20-alpine@sha256:3f1e0123",
      "loaded npm:string-width@4.2.3/index.js",
      "loaded npm:base64-js@1.5.1/index.js",
      "chat xmpp:bob2000@host/res",
      "call sips:alice2024@pbx.example:5061",
      "signature is sha256",
      "password -> argon2id",
      "auth -> oauth2",
      "| signature | HMAC-SHA256 |",
      "Token id: tok_abc123",
      "API key id: key_2a9f8c",
      "Secret name: STRIPE_KEY2",
      "Password hash: bcrypt12",
      "Unknown auth scheme: Digest2",
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
