import { randomUUID } from "node:crypto";

/** The example producers and their `[dev] port`s (producers/<name>/wrangler.toml). */
export const PRODUCERS = {
  "session-api": 8791,
  "code-runner": 8792,
  "do-framework": 8793,
  "uptime-monitor": 8794,
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function assertLoopback(host) {
  if (!LOOPBACK.has(host)) throw new Error(`traffic only goes to loopback addresses, not ${host}`);
}

export const COLOS = ["ewr", "iad", "sjc", "fra", "lhr", "nrt", "syd", "gru"];

export const chance = (p) => Math.random() < p;
export const between = (min, max) => Math.round(min + Math.random() * (max - min));
export const pick = (options) => options[Math.floor(Math.random() * options.length)];
export const shortId = () => randomUUID().slice(0, 8);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends requests on behalf of one simulated user action: every request carries the action's
 * correlation id, a fresh request id, the user's client id and colo, and is counted in `tally`.
 */
export class Client {
  constructor({ host, tally, budget }) {
    this.host = host;
    this.tally = tally;
    this.budget = budget;
    this.correlationId = randomUUID();
    this.clientId = `client-${between(1, 40)}`;
    this.colo = pick(COLOS);
  }

  url(producer, path, scheme = "http") {
    return `${scheme}://${this.host.includes(":") && !this.host.startsWith("[") ? `[${this.host}]` : this.host}:${PRODUCERS[producer]}${path}`;
  }

  headers(extra = {}) {
    return {
      "x-request-id": randomUUID(),
      "x-correlation-id": this.correlationId,
      "x-client-id": this.clientId,
      "x-colo": this.colo,
      ...extra,
    };
  }

  /** One request, unless the run's request budget is spent; answers the parsed JSON body or null. */
  async send(producer, method, path, { body, label = path, headers = {} } = {}) {
    if (!this.budget.take()) return null;
    const init = { method, headers: this.headers(headers) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["content-type"] = "application/json";
    }
    let status = "error";
    try {
      const response = await fetch(this.url(producer, path), { ...init, signal: AbortSignal.timeout(15_000) });
      status = response.status;
      const text = await response.text();
      return text ? safeJson(text) : null;
    } catch {
      return null;
    } finally {
      this.tally.count(`${producer} ${method} ${label}`, status);
    }
  }
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Counts by line and status, printed at the end. */
export class Tally {
  constructor() {
    this.lines = new Map();
  }

  count(line, status) {
    const statuses = this.lines.get(line) ?? new Map();
    statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
    this.lines.set(line, statuses);
  }

  print(write = console.log) {
    const rows = [...this.lines.entries()].sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(10, ...rows.map(([line]) => line.length));
    let total = 0;
    for (const [line, statuses] of rows) {
      const sum = [...statuses.values()].reduce((a, b) => a + b, 0);
      total += sum;
      const detail = [...statuses.entries()].map(([s, n]) => `${s}×${n}`).join(" ");
      write(`  ${line.padEnd(width)}  ${String(sum).padStart(5)}  ${detail}`);
    }
    write(`  ${"total".padEnd(width)}  ${String(total).padStart(5)}`);
  }
}

/** A cap on requests for the whole run, so a long duration cannot turn into a flood. */
export class Budget {
  constructor(max) {
    this.left = max;
  }

  take() {
    if (this.left <= 0) return false;
    this.left--;
    return true;
  }

  get spent() {
    return this.left <= 0;
  }
}
