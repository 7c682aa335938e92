import { describe, expect, it } from "vitest";
import { archivedEvents, archivedJson as archivedJsonParts } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

const SECRET = "Sx9secretVALUE77";

function archivedJson(item: unknown): string {
  return archivedJsonParts(item).join("\n");
}

const PEM = `-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA${SECRET}\nqZ3x\n-----END RSA PRIVATE KEY-----`;

describe("secrets in odd places", () => {
  it("redacts a secret written into an event's name", () => {
    const json = archivedJson(traceItem({ logs: [log("log", JSON.stringify({ _event: `login token=${SECRET}`, ok: true }))] }));
    expect(json).not.toContain(SECRET);
    expect(json).toContain('"type":"login token=[REDACTED]"');
  });

  it("redacts a secret written into a diagnostics channel's name", () => {
    const item = traceItem({ diagnosticsChannelEvents: [{ timestamp: 1, channel: `db?password=${SECRET}`, message: { rows: 1 } }] });
    const json = archivedJson(item);
    expect(json).not.toContain(SECRET);
    expect(json).toContain("db?password=[REDACTED]");
  });

  it("redacts the parameters of a URL passed encoded in a parameter, and keeps one with none", () => {
    const [, leaking, plain] = archivedEvents(
      traceItem({
        logs: [
          log("log", `GET /cb?next=%2Flogin%3Fuser%3Dbob%26token%3D${SECRET}&state=7`),
          log("log", "GET /cb?next=%2Fhome%3Fpage%3D2&state=7"),
        ],
      }),
    );
    expect(leaking!.text).not.toContain(SECRET);
    expect(decodeURIComponent(leaking!.text!)).toContain("/login?user=bob&token=[REDACTED]&state=7");
    expect(plain!.text).toBe("GET /cb?next=%2Fhome%3Fpage%3D2&state=7");
  });

  it("stops decoding values nested deeper than a few levels, in time, and archives the event", () => {
    let value = `token=${SECRET}`;
    for (let i = 0; i < 400; i++) value = `a=${encodeURIComponent(value)}`;
    const events = archivedEvents(traceItem({ logs: [log("log", `GET /x?${value}`)] }));
    expect(events).toHaveLength(2);
    expect(events[1]!.text!.length).toBeGreaterThan(1000);
  });

  it("redacts a PEM private key in console text, a JSON line, an exception and data, and keeps a public key", () => {
    const item = traceItem({
      logs: [
        log("log", `loaded key ${PEM} from env`),
        log("log", JSON.stringify({ _event: "config", signingKey: "see below", pem: PEM })),
        log("log", { settings: { key: PEM.slice(0, 60) } }),
        log("log", JSON.stringify({ _event: "env", key: PEM.replace(/\n/g, " ") })),
        log("log", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"),
      ],
      exceptions: [{ timestamp: 1, name: "Error", message: `bad key: ${PEM}` }],
    });
    const json = archivedJson(item);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain("MIIEpAIBAAKCAQEA");
    expect(json).toContain("loaded key [REDACTED] from env");
    expect(json).toContain("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE");
  });

  it("redacts a token written as a URL's user (`https://<token>@host`), in text and in data", () => {
    const json = archivedJson(
      traceItem({
        logs: [
          log("log", `cloning https://${SECRET}@github.com/org/repo.git`),
          log("log", JSON.stringify({ _event: "sentry", dsn: `https://${SECRET}@o1.ingest.example.io/42` })),
          log("log", "see https://github.com/org/repo and mail bob@example.com"),
        ],
      }),
    );
    expect(json).not.toContain(SECRET);
    expect(json).toContain("https://[REDACTED]@github.com/org/repo.git");
    expect(json).toContain("see https://github.com/org/repo and mail bob@example.com");
  });

  it("redacts JSON written inside a JSON string, at any depth, keeping its quotes so that it still parses", () => {
    const twice = JSON.stringify({ inner: JSON.stringify({ token: SECRET, n: 1 }), ok: true });
    const thrice = JSON.stringify({ outer: JSON.stringify({ inner: JSON.stringify({ apiKey: SECRET }) }) });
    const [, line2, line3, text] = archivedEvents(
      traceItem({
        logs: [
          log("log", JSON.stringify({ _event: "sns", body: twice })),
          log("log", JSON.stringify({ _event: "sqs", body: thrice })),
          log("log", `payload: ${JSON.stringify(twice)}`),
        ],
      }),
    );
    const body2 = JSON.parse(line2!.data.body as string) as { inner: string; ok: boolean };
    expect(JSON.parse(body2.inner)).toEqual({ token: "[REDACTED]", n: 1 });
    expect(body2.ok).toBe(true);
    const body3 = JSON.parse(line3!.data.body as string) as { outer: string };
    expect(JSON.parse((JSON.parse(body3.outer) as { inner: string }).inner)).toEqual({ apiKey: "[REDACTED]" });
    expect(text!.text).not.toContain(SECRET);
    const written = JSON.parse(JSON.parse(text!.text!.slice("payload: ".length)) as string) as { inner: string };
    expect(JSON.parse(written.inner)).toEqual({ token: "[REDACTED]", n: 1 });
    // A value ending in a backslash, and a quote inside a value, at the depth below.
    const odd = JSON.stringify({
      msg: JSON.stringify({ payload: JSON.stringify({ token: `${SECRET}\\`, note: 'say "hi"', user: "bob" }) }),
    });
    const [, oddLine] = archivedEvents(traceItem({ logs: [log("log", odd)] }));
    const payload = JSON.parse((JSON.parse(oddLine!.data.msg as string) as { payload: string }).payload);
    expect(payload).toEqual({ token: "[REDACTED]", note: 'say "hi"', user: "bob" });
  });

  it("redacts every cookie of a Cookie or Set-Cookie line, and only that line", () => {
    const [, cookie, setCookie] = archivedEvents(
      traceItem({
        logs: [
          log("log", `GET /\nCookie: theme=dark; sid=${SECRET}; lang=en\nHost: example.com`),
          log("log", `Set-Cookie: sid=${SECRET}; Path=/; HttpOnly`),
        ],
      }),
    );
    expect(cookie!.text).toBe("GET /\nCookie: [REDACTED]\nHost: example.com");
    expect(setCookie!.text).toBe("Set-Cookie: [REDACTED]");
    const [, escapedBreak, again, logfmt] = archivedEvents(
      traceItem({
        logs: [
          log("log", `headers: Cookie: theme=dark; sid=${SECRET}\\r\\nHost: example.com`),
          log("log", `Cookie: [REDACTED]; sid=${SECRET}`),
          log("log", "level=info cookies=3 path=/checkout status=200"),
        ],
      }),
    );
    expect(escapedBreak!.text).toBe("headers: Cookie: [REDACTED]\\r\\nHost: example.com");
    expect(again!.text).toBe("Cookie: [REDACTED]");
    expect(logfmt!.text).toBe("level=info cookies=[REDACTED] path=/checkout status=200");
  });

  it("redacts an element named like a secret (<password>, <ns:Token a=…>) and keeps the others", () => {
    const xml = `<s:Body><ns:Token kind="api">${SECRET}</ns:Token><password>${SECRET}</password><user>ada</user></s:Body>`;
    const [, text, line] = archivedEvents(traceItem({ logs: [log("log", xml), log("log", JSON.stringify({ _event: "soap", xml }))] }));
    const expected = '<s:Body><ns:Token kind="api">[REDACTED]</ns:Token><password>[REDACTED]</password><user>ada</user></s:Body>';
    expect(text!.text).toBe(expected);
    expect(line!.data.xml).toBe(expected);
    const odd = [
      `<password><![CDATA[${SECRET}]]></password>`,
      `<password>${SECRET}</password >`,
      `<apiKey>${"k".repeat(2_000)}${SECRET}</apiKey>`,
    ];
    const events = archivedEvents(traceItem({ logs: odd.map((xml) => log("log", xml)) }));
    expect(events.slice(1).map((event) => event.text)).toEqual([
      "<password><![CDATA[[REDACTED]]]></password>",
      "<password>[REDACTED]</password>",
      "<apiKey>[REDACTED]</apiKey>",
    ]);
  });

  it("redacts Basic credentials with nothing naming them, and keeps a Basic that decodes to none", () => {
    const credentials = btoa(`admin:${SECRET}`);
    const [, sending, plan] = archivedEvents(
      traceItem({ logs: [log("log", `retrying with basic ${credentials} now`), log("log", "Basic plan chosen; basic auth off")] }),
    );
    expect(sending!.text).toBe("retrying with basic [REDACTED] now");
    expect(plan!.text).toBe("Basic plan chosen; basic auth off");
    const prose = ["Basic Options enabled", "Basic Only mode", "basic Other stuff", "Basic Oval test"];
    const kept = archivedEvents(traceItem({ logs: prose.map((text) => log("log", text)) }));
    expect(kept.slice(1).map((event) => event.text)).toEqual(prose);
  });

  it("names why a line is not JSON without quoting the producer's values in parseError", () => {
    const lines = [
      "{apiKey: hunter2secretValue}",
      `{"a":1, "password": ${SECRET}, "b": 2, "c": "${"x".repeat(60)}"}`,
      `{"${"y".repeat(60)}": ${SECRET}, "z":1}`,
      // Read leniently: its parseError names why strict JSON refused it.
      `{"${"y".repeat(60)}": '${SECRET}', "z":1}`,
    ];
    for (const event of archivedEvents(traceItem({ logs: lines.map((line) => log("log", line)) })).slice(1)) {
      expect(event.parseError).toMatch(/^(?:invalid|not strict) JSON/);
      expect(event.parseError).not.toContain("hunter2");
      expect(event.parseError).not.toContain(SECRET.slice(0, 6));
    }
  });
});
