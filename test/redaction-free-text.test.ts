import { describe, expect, it } from "vitest";
import { archivedEvents, archivedJson as archivedWith } from "./helpers/tail-path";
import { fetchEvent, log, traceItem } from "./helpers/trace-items";

const SECRET = "Sx9secretVALUE77";
const JWT_TOKEN = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.${SECRET}`;

const SALTED = { IP_HASH_SALT: "salt-for-tests-0123456789" };
const archivedJson = (item: unknown) => archivedWith(item, SALTED);
const archived = (item: unknown) => archivedEvents(item, SALTED);

/** Every way of writing a secret into text, each put in every place text reaches the archive. */
const TEXT_FORMS: Record<string, string> = {
  "a query parameter": `GET /login?user=bob&access_token=${SECRET}`,
  "key=value after a space": `login failed for bob password=${SECRET}`,
  logfmt: `level=info user=bob api_key=${SECRET} took=12ms`,
  "logfmt with a quoted value": `level=info password="${SECRET} and more" done`,
  "key: value": `retrying with token: ${SECRET}`,
  "key:value": `cfg secret:${SECRET}`,
  "a header line": `Authorization: Bearer ${SECRET}`,
  "a basic header line": `authorization: Basic ${SECRET}`,
  "a bare bearer token": `calling upstream with bearer ${SECRET}`,
  "a bearer token in odd case": `calling upstream with bEaReR ${SECRET}`,
  "JSON inside a sentence": `request body {"user":"bob","password":"${SECRET}"}`,
  "single-quoted JSON-ish": `payload {'apiKey': '${SECRET}'}`,
  "a JWT": `session started ${JWT_TOKEN} ok`,
  "a URL password": `connecting to postgres://app:${SECRET}@db.internal:5432/main`,
  "a key after a plain key": `Error: token: ${SECRET}`,
  "a name of two words": `Invalid API key: ${SECRET}`,
  "a PHP array": `array('password' => '${SECRET}', 'user' => 'bob')`,
  "a Ruby hash": `{:token => "${SECRET}", :user => "bob"}`,
  "an API key URL parameter": `GET https://maps.example/api/geocode?key=${SECRET}&address=1`,
  "a command-line flag": `spawned deploy --api-token ${SECRET} --verbose`,
  "curl's user option": `curl -u deploy:${SECRET} https://x.example/hook`,
  "an object under a secret's name in JSON": `request body {"user":"bob","password":{"old":"x","new":"${SECRET}"}}`,
  "an array under a secret's name, pretty-printed": `config {"apiKeys": ["k1", "${SECRET}"]}`,
  "a parameter after an & escaped as JSON encoders may": `upstream said {"next":"https://a.example/x?a=1\\u0026sig=${SECRET}"}`,
  "a URL password holding an @": `connecting to postgres://app:pa@${SECRET}@db.internal:5432/app`,
  "a URL with its slashes escaped": `upstream said {"dsn":"postgres:\\/\\/app:${SECRET}@db.internal:5432\\/app"}`,
  "a secret-named query parameter": `POST /register?user=bob&pass2=${SECRET}`,
  "SQL's PASSWORD clause": `ALTER USER bob WITH PASSWORD '${SECRET}' VALID UNTIL 'infinity'`,
  "SQL's IDENTIFIED BY": `CREATE USER 'bob'@'%' IDENTIFIED BY '${SECRET}'`,
  "MySQL's SET PASSWORD": `SET PASSWORD FOR 'bob'@'%' = '${SECRET}'`,
  "a header list written as JSON": `headers: ${JSON.stringify([
    ["content-type", "text/plain"],
    ["x-api-key", SECRET],
  ])}`,
  "HAR entries written as JSON": `har: ${JSON.stringify([
    { name: "Accept", value: "*/*" },
    { name: "X-Api-Key", value: SECRET },
  ])}`,
  "an SSM parameter written as JSON": `ssm: ${JSON.stringify({ Parameter: { Name: "/prod/db_password", Value: SECRET, Type: "SecureString" } })}`,
};

const PLACES: Record<string, (text: string) => unknown> = {
  "a console line": (text) => traceItem({ logs: [log("log", text)] }),
  "a string field of a JSON line": (text) => traceItem({ logs: [log("log", JSON.stringify({ _event: "step", message: text }))] }),
  "a pretty-printed JSON line": (text) => traceItem({ logs: [log("log", JSON.stringify({ _event: "step", message: text }, null, 2))] }),
  "an exception message": (text) =>
    traceItem({ exceptions: [{ timestamp: 1, name: "Error", message: text, stack: `Error: ${text}\n    at f` }] }),
  "a diagnostics-channel message": (text) => traceItem({ diagnosticsChannelEvents: [{ timestamp: 1, channel: "db", message: text }] }),
  "an object argument's field": (text) => traceItem({ logs: [log("warn", "step", { detail: text })] }),
};

describe("secrets written into text", () => {
  for (const [form, text] of Object.entries(TEXT_FORMS)) {
    for (const [place, item] of Object.entries(PLACES)) {
      it(`${form} in ${place} is redacted`, () => {
        const json = archivedJson(item(text)).join("\n");
        expect(json).not.toContain(SECRET);
        expect(json).toContain("[REDACTED]");
      });
    }
  }

  it("keeps a JSON line whose strings hold colons but no secret byte for byte", () => {
    const line = '{"_event":"step","at":"12:30:05","url":"https://x.example/a?page=2","big":12345678901234567890,"ratio":1.0}';
    const json = archivedJson(traceItem({ logs: [log("log", line)] }))[1]!;
    expect(json).toContain(`"data":${line}}`);
  });

  it("redacts a secret written with no space after its colon in a compact JSON line beside other colons", () => {
    const line = JSON.stringify({ _event: "step", at: "12:30:05", note: `cfg secret:${SECRET} ok` });
    const json = archivedJson(traceItem({ logs: [log("log", line)] })).join("\n");
    expect(json).not.toContain(SECRET);
    expect(json).toContain("secret:[REDACTED] ok");
  });

  it("redacts such a secret also in a line with a field its name replaces, whose pseudonym stays the same", () => {
    for (const judged of [
      { sessionId: "sess-7f3a9c" },
      { clientIp: "203.0.113.9" },
      { apiKey: "k-1" },
      { "x-forwarded-for": "203.0.113.9" },
    ]) {
      const line = (note: string) => JSON.stringify({ _event: "step", ...judged, note });
      const [, alone] = archived(traceItem({ logs: [log("log", line("ok"))] }));
      const [, beside] = archived(traceItem({ logs: [log("log", line(`cfg token:${SECRET} ok`))] }));
      const name = Object.keys(judged)[0]!;
      expect(JSON.stringify(beside), name).not.toContain(SECRET);
      expect(beside!.data.note, name).toBe("cfg token:[REDACTED] ok");
      expect(beside!.data[name], name).toBe(alone!.data[name]);
      expect(beside!.data[name], name).not.toBe(judged[name as keyof typeof judged]);
    }
  });

  it("redacts the URL password of the invocation's request", () => {
    const json = archivedJson(traceItem({ event: fetchEvent("GET", `https://bob:${SECRET}@example.com/a?b=1`, 200) })).join("\n");
    expect(json).not.toContain(SECRET);
    expect(json).toContain("https://bob:[REDACTED]@example.com/a?b=1");
  });

  it("applies console format specifiers before redacting, as console prints them", () => {
    const [, event, other] = archived(
      traceItem({
        logs: [
          log("log", "user %s token=%s (%d%%)", "bob", SECRET, 42.7),
          log("log", "%s of %i%c in %f s", "3", "7.9", "color: red", "0.5", "extra"),
        ],
      }),
    );
    expect(event!.text).toBe("user bob token=[REDACTED] (42%)");
    expect(other!.text).toBe("3 of 7 in 0.5 s extra");
  });

  it("keeps an object a format specifier would print as data, where its field names are read", () => {
    const [, event] = archived(
      traceItem({ logs: [log("log", "request %o sent with token=%s", { headers: [["authorization", SECRET]] }, SECRET)] }),
    );
    expect(JSON.stringify(event)).not.toContain(SECRET);
    expect(event!.text).toBe("request %o sent with token=[REDACTED]");
    expect(event!.data).toEqual({ headers: [["authorization", "[REDACTED]"]] });
  });

  it("redacts a value passed after a secret's name as the next console argument", () => {
    const events = archived(traceItem({ logs: [log("log", "token", SECRET), log("log", "password", "hunter2")] }));
    expect(events.map((e) => e.text)).toEqual([undefined, "token [REDACTED]", "password [REDACTED]"]);
  });

  it("keeps prose and plain values that only mention a secret's name", () => {
    const kept = [
      "token expired, please sign in",
      "password reset requested for bob",
      "Authorization header missing",
      "cache hit for key user:42",
      "status=200 duration=12ms tokens=1500",
      "see https://example.com/docs?page=2#auth",
      "Error: upstream timed out",
      "cache key: user:42",
      "primary key: 7, public key: abc",
      "key=user:42 hit=true",
      "deploy --verbose --password-file /run/secrets/db",
      "git push -u origin main",
      "$arr = array('user' => 'bob')",
      "Cannot read properties of undefined (reading 'token')",
      'the "password" field is required',
      `Unexpected token '<', "<!DOCTYPE "... is not valid JSON`,
      "Missing secret 'STRIPE_KEY' in env; cannot pass 'undefined' to fetch",
      "the --token option is required; use --password to set it",
      "docker run -u 1000:1000 img",
      "GET https://files.example/get?key=photos/cat.jpg",
    ];
    const events = archived(traceItem({ logs: kept.map((text) => log("log", text)) }));
    expect(events.slice(1).map((e) => e.text)).toEqual(kept);
  });

  it("hashes a client IP written after its name in text, like the field", () => {
    const [, event] = archived(traceItem({ logs: [log("log", "blocked request from ip=203.0.113.9 at edge")] }));
    expect(event!.text).not.toContain("203.0.113.9");
    expect(event!.text).toMatch(/^blocked request from ip=\S+ at edge$/);
  });

  it("redacts every secret of a line, not only the first", () => {
    const [, event] = archived(traceItem({ logs: [log("log", `a=1 token=${SECRET}1 b=2 password: ${SECRET}2 Bearer ${SECRET}3`)] }));
    expect(event!.text).not.toContain(SECRET);
    expect(event!.text).toContain("a=1");
    expect(event!.text).toContain("b=2");
  });

  it("leaves already redacted text as it is", () => {
    const text = "password=[REDACTED] Authorization: [REDACTED]";
    const [, event] = archived(traceItem({ logs: [log("log", text)] }));
    expect(event!.text).toBe(text);
  });

  it("redacts a word that reads as a secret after a secret's name in prose: console text, an exception's message and stack, a logged Error", () => {
    const prose = [
      `Using token ${SECRET}`,
      `Calling OpenAI with API key ${SECRET}`,
      `login bob password ${SECRET}`,
      `refresh failed for refresh token ${SECRET}`,
      `verification code 482913 sent`,
      `using api_key ${SECRET} for the import`,
    ];
    const events = archived(
      traceItem({
        logs: [...prose.map((text) => log("log", text)), log("error", new Error(`bad password ${SECRET}`))],
        exceptions: [{ timestamp: 1, name: "Error", message: prose[3]!, stack: `Error: ${prose[3]}\n    at refresh (worker.js:1:1)` }],
      }),
    );
    const json = JSON.stringify(events);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain("482913");
    expect(events[1]!.text).toBe("Using token [REDACTED]");
    expect(events[3]!.text).toBe("login bob password [REDACTED]");
    expect(events.at(-1)!.data).toMatchObject({ message: "refresh failed for refresh token [REDACTED]" });
  });

  it("keeps prose whose word after a secret's name is a word, a count or an algorithm", () => {
    const kept = [
      "token refreshed successfully for bob",
      "password changed by admin",
      "signature algorithm sha256 checked",
      "token count 1500 reached",
      "    at verifyToken (index.js:100:11)",
      "    at async refreshToken (file:///app/src/auth.js:12:3)",
      "grant_type=refresh_token client_id=web_app_2",
      '"POST /oauth/token HTTP/1.1" 200 512',
      "Unexpected token 128009 at position 4",
      "swap token 0x1f9840a85d5af5bf1d1762f925bdaddc4201f984 for eth",
      `validation failed: ${JSON.stringify([{ path: ["auth", "token"], message: "Required" }])}`,
    ];
    const events = archived(traceItem({ logs: kept.map((text) => log("log", text)) }));
    expect(events.slice(1).map((e) => e.text)).toEqual(kept);
  });
});
