import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import { ROOT, requireSupportedNode } from "../../scripts/lib/wrangler.mjs";
import { startLocalPipeline } from "./lib/local-pipeline.mjs";

/**
 * `npm run test:e2e`: "Nothing lost, nothing leaked" as a user would see it. do-tail and a producer
 * Worker from outside producers/ (test/e2e/fixtures/outside-producer) run under `wrangler dev`;
 * the producer serves 200 identical requests at once, logs odd values, every shape of secret and
 * lone surrogates; then the raw R2 objects are read back: every event is there, no secret is, and
 * DuckDB (a strict JSON reader) reads every object.
 */
requireSupportedNode("test/e2e/outside-producer.e2e.mjs");

const WORK = join(ROOT, "test-results", "e2e-outside");
const ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";
const IDENTICAL = 200;
const SECRETS = Array.from({ length: 42 }, (_, i) => `e2e-secret-${i + 1}`);
/** The fixture's Cloudflare API token, logged with nothing naming it. */
const CLOUDFLARE_TOKEN = `cfut_E2eSecretToken27${"Q".repeat(24)}a1b2c3d4`;
const log = (message) => console.log(`# e2e: ${message}`);

let pipeline;
let producer;

async function call(path, { method = "GET" } = {}) {
  const response = await fetch(`${pipeline.tailUrl}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) };
}

const received = async () => (await call("/stats")).json.counters.received;

/** Waits until do-tail has received `count` events more than `from`; answers what it got. */
async function receivedAtLeast(from, count, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let now = await received();
  while (now - from < count && Date.now() < deadline) {
    await sleep(500);
    now = await received();
  }
  return now - from;
}

/** Sends /warm until one of its events reaches do-tail: the producer is connected for real. */
async function warmUp() {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const before = await received();
    await (await fetch(`${producer}/warm`)).arrayBuffer();
    if ((await receivedAtLeast(before, 1, 5_000)) >= 1) return;
  }
  throw new Error("no event of outside-producer reached do-tail within 2 minutes");
}

/** Every archive object, raw bytes and key, through the HTTP API as a user would read them. */
async function archiveObjects() {
  const objects = [];
  let cursor;
  do {
    const page = (await call(`/archives?prefix=tail-events/${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)).json;
    for (const { key } of page.objects) {
      const response = await fetch(`${pipeline.tailUrl}/archives/${encodeURI(key)}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      objects.push({ key, bytes: Buffer.from(await response.arrayBuffer()) });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return objects;
}

/** Each object read alone by DuckDB's strict JSON reader: its event count, or its error. */
async function duckdbCounts(objects) {
  const dir = await mkdtemp(join(tmpdir(), "do-tail-e2e-duckdb-"));
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const results = [];
    for (const [i, object] of objects.entries()) {
      const path = join(dir, `${i}.json`);
      await writeFile(path, object.bytes);
      try {
        const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_json('${path}', format = 'array')`);
        results.push({ key: object.key, events: reader.getRowObjectsJson()[0].n });
      } catch (error) {
        results.push({ key: object.key, error: String(error?.message ?? error) });
      }
    }
    return results;
  } finally {
    connection.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

function forwardFailures() {
  try {
    return readFileSync(join(WORK, "logs", "outside-producer.log"), "utf8")
      .split("\n")
      .filter((line) => line.includes("Failed to forward tail events"));
  } catch {
    return [];
  }
}

describe("a producer from outside the repo, end to end", { timeout: 600_000 }, () => {
  let objects;
  let events;
  let stats;

  before(async () => {
    pipeline = await startLocalPipeline({ adminToken: ADMIN_TOKEN, workDir: WORK, producers: ["outside-producer"], log });
    producer = pipeline.producers["outside-producer"];
    await warmUp();
    const from = await received();

    const answers = await Promise.all(Array.from({ length: IDENTICAL }, () => fetch(`${producer}/hit`).then((r) => r.status)));
    assert.deepEqual(new Set(answers), new Set([200]));
    for (const path of ["/odd", "/surrogates"]) assert.equal((await fetch(`${producer}${path}`)).status, 200);
    const secrets = await fetch(`${producer}/secrets?token=${SECRETS[22]}&page=2`, {
      headers: {
        "x-forwarded-for": "203.0.113.71, 198.51.100.71",
        "x-client-ip": "203.0.113.72",
        "true-client-ip": "203.0.113.73",
        "cf-connecting-ipv6": "2001:db8::74",
        forwarded: "for=203.0.113.75;proto=https",
        "cf-access-jwt-assertion": `eyJ.${SECRETS[23]}.sig`,
        "cf-access-authenticated-user-email": "e2e-user@example.com",
      },
    });
    assert.equal(secrets.status, 200);

    // Each /hit: its invocation and its log; /odd 4 logs, /surrogates 4, /secrets 29, each plus its invocation.
    const expected = IDENTICAL * 2 + 5 + 5 + 30;
    const got = await receivedAtLeast(from, expected);
    const failures = forwardFailures();
    assert.equal(
      got,
      expected,
      `do-tail received ${got} of ${expected} events; wrangler lost tail deliveries: ${failures.length} "Failed to forward" lines`,
    );

    const flush = await call("/flush", { method: "POST" });
    assert.equal(flush.status, 200, JSON.stringify(flush.json));
    stats = (await call("/stats")).json;
    objects = await archiveObjects();
    events = objects.flatMap((o) => JSON.parse(o.bytes.toString("utf8")));
  });

  after(async () => {
    await pipeline?.stop();
  });

  it("archives every one of 200 identical concurrent invocations", () => {
    assert.equal(events.filter((e) => e.type === "cache_hit").length, IDENTICAL);
    const hits = events.filter((e) => e.kind === "invocation" && String(e.data.url).endsWith("/hit"));
    assert.equal(hits.length, IDENTICAL);
    assert.equal(new Set(hits.map((e) => e.invocationId)).size, IDENTICAL);
    assert.equal(new Set(events.map((e) => e.id)).size, events.length);
    assert.equal(stats.counters.duplicates, 0);
  });

  it("archives odd values as they came, each beside the rest of its invocation", () => {
    assert.deepEqual(
      events.filter((e) => e.type === "do_tail.unreadable"),
      [],
    );
    const warn = events.find((e) => e.type === "console.warn");
    assert.deepEqual(warn?.data, { id: { toString: 1 } });
    const odd = events.find((e) => e.type === "odd");
    assert.ok(odd, "the odd named event");
    assert.ok(events.some((e) => e.invocationId === odd.invocationId && e.text === "after the odd ones"));
  });

  it("lets no secret, client IP, Access identity or request.cf location reach R2", () => {
    const raw = objects.map((o) => o.bytes.toString("utf8")).join("\n");
    for (const value of [...SECRETS, CLOUDFLARE_TOKEN, "E2eSecretToken27", "4111 1111 1111 1111"])
      assert.ok(!raw.includes(value), `${value} reached R2`);
    for (const value of ["203.0.113.", "198.51.100.71", "2001:db8::74", "e2e-user@example.com"])
      assert.ok(!raw.includes(value), `${value} reached R2`);
    for (const invocation of events.filter((e) => e.kind === "invocation")) {
      const cf = invocation.data.request?.cf ?? {};
      for (const key of ["latitude", "longitude", "postalCode", "city", "metroCode", "tlsClientRandom"]) {
        assert.ok(!(key in cf), `request.cf.${key} reached R2`);
      }
    }
    const names = events.find((e) => e.type === "names");
    assert.deepEqual([names.data.passengers, names.data.sessionCount], [3, 2]);
    assert.deepEqual(events.find((e) => e.type === "keys")?.data.tokens, { input: 812, access: "[REDACTED]" });
    assert.deepEqual(Object.keys(events.find((e) => e.type === "hits")?.data.byUrl ?? {}), ["/login?token=[REDACTED]"]);
    assert.equal(events.find((e) => e.type === "step")?.data.note, "cfg token:[REDACTED]");
  });

  it("writes objects DuckDB reads whole: every event there, as many as the collector counted", async () => {
    const counts = await duckdbCounts(objects);
    assert.deepEqual(
      counts.filter((c) => "error" in c),
      [],
    );
    const total = counts.reduce((sum, c) => sum + c.events, 0);
    assert.equal(total, events.length);
    assert.equal(total, stats.counters.archived);
    assert.equal(stats.counters.archived, stats.counters.received);
    for (const object of objects) assert.ok(new TextDecoder("utf-8", { fatal: true }).decode(object.bytes).isWellFormed());
    assert.ok(events.some((e) => e.type === "lone_surrogate" && e.data.v === "\ufffd"));
  });
});
