import { setTimeout as sleep } from "node:timers/promises";
import { probeDelivery } from "./delivery-probe.mjs";
import { LostDeliveries } from "./lost-deliveries.mjs";
import { portTaken } from "./port-check.mjs";
import { spawnPrefixed } from "./prefixed-process.mjs";
import { addressInUse, errorMessage, forwardFailure, readyUrl, tailConsumerStatus } from "./wrangler-output.mjs";

/**
 * The local pipeline behind `npm run dev`: do-tail first, then each producer a few seconds apart,
 * each in its own `wrangler dev` (`command(worker)` says how). A producer that fails to start or
 * exits is reported and the rest keep running; only do-tail failing stops everything. Once the
 * producers are up, an end-to-end probe decides whether the pipeline is ready. Every "Failed to
 * forward tail events" line a producer prints is counted and reported loudly, and summed up on exit.
 * `done` resolves with the exit code once every child has exited after `stop()`.
 */
export class DevRunner {
  #o;
  #width;
  #records = new Map();
  #running = new Set();
  #stopping = false;
  #exitCode = 0;
  #client;
  #resolveDone;
  lost = new LostDeliveries();
  done = new Promise((resolve) => {
    this.#resolveDone = resolve;
  });

  /**
   * `tail` and `producers` are `{ name, config, port }`; `clientFor(url)` a do-tail client;
   * `state` a DevStateFile; `stdout`/`stderr` where output goes.
   */
  constructor(options) {
    this.#o = {
      stdout: process.stdout,
      stderr: process.stderr,
      staggerMs: 3_000,
      startupTimeoutMs: 120_000,
      stopGraceMs: 10_000,
      probeTimeoutMs: 90_000,
      probeAttemptMs: 3_000,
      probePollMs: 500,
      ...options,
    };
    const { tail, producers } = this.#o;
    this.#width = Math.max("dev".length, tail.name.length, ...producers.map((p) => p.name.length));
    for (const worker of [tail, ...producers]) {
      this.#records.set(worker.name, { worker, status: "starting", url: undefined, tailConsumer: undefined, delivers: undefined });
      this.#o.state.worker(worker.name, { status: "starting", port: worker.port ?? null });
    }
  }

  log(message) {
    this.#o.stdout.write(`${"dev".padEnd(this.#width)} | ${message}\n`);
  }

  /** Problems the user must not miss: on stderr, in bold red on a terminal. */
  alarm(message) {
    const { stderr } = this.#o;
    const text = `${"dev".padEnd(this.#width)} | !! ${message}`;
    stderr.write(stderr.isTTY ? `\x1b[1;31m${text}\x1b[0m\n` : `${text}\n`);
  }

  async start() {
    const { tail, producers } = this.#o;
    this.log(`starting ${tail.name}, then ${producers.map((p) => p.name).join(", ") || "no producers"}`);
    let tailUrl;
    try {
      tailUrl = await this.#startWorker(tail);
      await this.#waitForHealth(tailUrl);
    } catch (error) {
      this.#update(tail.name, { status: "failed", reason: error.message });
      this.stop(1, `${tail.name} failed to start: ${error.message}`);
      return;
    }
    this.#client = this.#o.clientFor(tailUrl);
    const started = [];
    const failed = [];
    for (const producer of producers) {
      await sleep(this.#o.staggerMs);
      if (this.#stopping) return;
      try {
        started.push({ name: producer.name, url: await this.#startWorker(producer) });
      } catch (error) {
        if (this.#stopping) return;
        failed.push({ name: producer.name, reason: error.message });
        this.#update(producer.name, { status: "failed", reason: error.message });
        this.alarm(`${producer.name} failed to start: ${error.message}. ${tail.name} and the other producers keep running.`);
      }
    }
    this.#printBanner(tailUrl, started, failed);
    await this.#probeAll(started, failed);
  }

  stop(code, reason) {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#exitCode = code;
    this.log(reason);
    if (this.#running.size === 0) return this.#finish();
    for (const child of this.#running) child.kill("SIGTERM");
    setTimeout(() => {
      for (const child of this.#running) child.kill("SIGKILL");
    }, this.#o.stopGraceMs).unref();
  }

  #finish() {
    if (this.lost.total > 0) this.alarm(this.lost.summary());
    else this.log(this.lost.summary());
    this.#o.state.remove();
    this.#resolveDone(this.#exitCode);
  }

  /** Starts one `wrangler dev`; resolves with its URL once it is ready, rejects with why it is not. */
  async #startWorker(worker) {
    const taken = worker.port === undefined ? undefined : await portTaken(worker.port);
    if (taken)
      throw new Error(
        `port ${worker.port} is in use (${taken.code} on ${taken.host}); free it, e.g. find it with \`ss -ltnp | grep :${worker.port}\``,
      );
    const { command, args } = this.#o.command(worker);
    return new Promise((resolve, reject) => {
      let ready = false;
      let exited = false;
      let reason;
      const timer = setTimeout(() => {
        reason = `not ready after ${this.#o.startupTimeoutMs / 1000} s`;
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), this.#o.stopGraceMs).unref();
      }, this.#o.startupTimeoutMs);
      const child = spawnPrefixed(worker.name, command, args, {
        cwd: this.#o.cwd,
        env: this.#o.env,
        width: this.#width,
        stdout: this.#o.stdout,
        stderr: this.#o.stderr,
        onLine: (line) => {
          const url = ready ? undefined : readyUrl(line);
          if (url) {
            ready = true;
            clearTimeout(timer);
            this.#update(worker.name, { status: "up", url });
            this.#warnIfNotConnected(worker.name);
            resolve(url);
          }
          const status = tailConsumerStatus(line);
          if (status?.service === this.#o.tail.name) this.#tailConsumerChanged(worker.name, status.connected);
          const lost = forwardFailure(line);
          if (lost) this.#lostDelivery(worker.name, lost);
          const inUse = addressInUse(line);
          if (inUse) reason = `port ${inUse.port ?? worker.port} is in use (${inUse.address})`;
          else reason ??= errorMessage(line);
        },
      });
      this.#running.add(child);
      const onExit = (how) => {
        if (exited) return;
        exited = true;
        this.#running.delete(child);
        clearTimeout(timer);
        if (!ready) reject(new Error(reason ? `${reason} (wrangler ${how})` : `wrangler ${how} before it was ready`));
        else this.#exitedAfterStart(worker, how, reason);
        if (this.#stopping && this.#running.size === 0) this.#finish();
      };
      child.on("error", (error) => onExit(`could not run: ${error.message}`));
      child.on("exit", (code, signal) => onExit(signal ? `stopped by ${signal}` : `exited with code ${code}`));
    });
  }

  #exitedAfterStart(worker, how, reason) {
    this.#update(worker.name, { status: "exited", reason: reason ?? how });
    if (this.#stopping) return;
    if (worker === this.#o.tail) {
      this.stop(1, `${worker.name} ${how}; stopping the producers: their tail events have nowhere to go`);
      return;
    }
    this.alarm(`${worker.name} ${how}${reason ? ` (${reason})` : ""}; ${this.#o.tail.name} and the other producers keep running.`);
  }

  async #waitForHealth(url) {
    const deadline = Date.now() + this.#o.startupTimeoutMs;
    while (!this.#stopping && Date.now() < deadline) {
      const ok = await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await sleep(500);
    }
    throw new Error(`${url}/health did not answer`);
  }

  #printBanner(tailUrl, started, failed) {
    const width = this.#width;
    this.log("workers up:");
    this.log(`  ${this.#o.tail.name.padEnd(width)}  ${tailUrl}`);
    for (const { name, url } of started) this.log(`  ${name.padEnd(width)}  ${url}`);
    for (const { name, reason } of failed) this.log(`  ${name.padEnd(width)}  FAILED: ${reason}`);
    this.log("try:");
    this.log(`  curl ${tailUrl}/stats`);
    this.log(`  curl -X POST ${tailUrl}/test-events`);
    this.log(`  curl -X POST ${tailUrl}/flush`);
    this.log(`  curl ${tailUrl}/archives`);
    this.log("Ctrl-C stops everything.");
  }

  /** The end-to-end check after start-up; says "pipeline ready" only for what it proved. */
  async #probeAll(started, failed) {
    const failedNote = failed.length > 0 ? `; failed to start: ${failed.map((f) => f.name).join(", ")}` : "";
    if (started.length === 0) {
      this.alarm(`no producer is running${failedNote}: nothing sends tail events to ${this.#o.tail.name}`);
      this.#o.state.set({ pipeline: "degraded" });
      return;
    }
    this.log(
      `checking delivery end to end: one request to each producer until ${this.#o.tail.name} holds its event (up to ${this.#o.probeTimeoutMs / 1000} s)…`,
    );
    const result = await this.#probe(started);
    if (!result || this.#stopping) return;
    for (const { name } of result.delivered) this.#update(name, { delivers: true });
    for (const miss of result.undelivered) {
      this.#update(miss.name, { delivers: false });
      this.alarm(`${miss.name} is NOT delivering to ${this.#o.tail.name}: ${this.#whyUndelivered(miss, result.doTailError)}`);
    }
    const order = started.map((p) => p.name);
    const arrived = result.delivered
      .toSorted((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
      .map((d) => `${d.name} ${d.seconds.toFixed(1)} s`)
      .join(", ");
    if (result.delivered.length === started.length && failed.length === 0) {
      this.log(`PIPELINE READY: ${this.#o.tail.name} receives the tail events of every producer (probe arrived: ${arrived})`);
    } else if (result.delivered.length > 0) {
      const missing = result.undelivered.length > 0 ? `; not delivering: ${result.undelivered.map((u) => u.name).join(", ")}` : "";
      this.alarm(
        `PIPELINE READY for ${result.delivered.length} of ${this.#o.producers.length} producers (probe arrived: ${arrived})${missing}${failedNote}`,
      );
    } else {
      this.alarm(`PIPELINE NOT READY: no producer's probe reached ${this.#o.tail.name}${failedNote}`);
    }
    this.#refreshPipelineState();
  }

  /** Runs the probe for some producers; answers undefined (after saying why) when it cannot. */
  async #probe(producers) {
    try {
      return await probeDelivery({
        client: this.#client,
        producers,
        timeoutMs: this.#o.probeTimeoutMs,
        attemptMs: this.#o.probeAttemptMs,
        pollMs: this.#o.probePollMs,
        cancelled: () => this.#stopping,
      });
    } catch (error) {
      this.alarm(`cannot check delivery end to end: ${error.message}`);
      this.#o.state.set({ pipeline: "degraded" });
      return undefined;
    }
  }

  #whyUndelivered(miss, doTailError) {
    const seconds = this.#o.probeTimeoutMs / 1000;
    if (!miss.answered) return `it did not answer the probe at ${miss.url} in ${seconds} s (${miss.lastError})`;
    if (doTailError) return `${this.#o.tail.name} did not answer the probe's /query (${doTailError})`;
    const said = this.#records.get(miss.name).tailConsumer;
    const wrangler =
      said === undefined
        ? "wrangler has not said whether it is connected"
        : `wrangler says "${this.#o.tail.name} [${said ? "connected" : "not connected"}]"`;
    return `none of its ${miss.attempts} probe requests reached ${this.#o.tail.name} in ${seconds} s (${wrangler}); its tail events are being dropped`;
  }

  #tailConsumerChanged(name, connected) {
    const record = this.#records.get(name);
    const was = record.tailConsumer;
    this.#update(name, { tailConsumer: connected });
    if (record.status !== "up" || was === connected) return;
    if (!connected) {
      this.#warnIfNotConnected(name);
      return;
    }
    this.log(`${name}: wrangler now says "${this.#o.tail.name} [connected]"`);
    if (record.delivers === false) void this.#reprobe(name);
  }

  #warnIfNotConnected(name) {
    if (this.#records.get(name).tailConsumer !== false) return;
    this.alarm(`${name} says "${this.#o.tail.name} [not connected]": wrangler drops its tail events until it connects`);
  }

  async #reprobe(name) {
    const record = this.#records.get(name);
    if (record.probing) return;
    record.probing = true;
    const result = await this.#probe([{ name, url: record.url }]);
    record.probing = false;
    if (!result || this.#stopping) return;
    const [delivered] = result.delivered;
    if (delivered) {
      this.#update(name, { delivers: true });
      this.log(`${name} now delivers to ${this.#o.tail.name} (probe arrived after ${delivered.seconds.toFixed(1)} s)`);
    } else {
      this.alarm(
        `${name} is still NOT delivering to ${this.#o.tail.name}: ${this.#whyUndelivered(result.undelivered[0], result.doTailError)}`,
      );
    }
    this.#refreshPipelineState();
  }

  #lostDelivery(name, failure) {
    this.alarm(this.lost.record(name, failure));
    this.#update(name, { lostDeliveries: this.lost.of(name) });
    this.#o.state.set({ lostDeliveries: this.lost.total });
  }

  #refreshPipelineState() {
    const producers = this.#o.producers.map((p) => this.#records.get(p.name));
    this.#o.state.set({ pipeline: producers.every((r) => r.status === "up" && r.delivers) ? "ready" : "degraded" });
  }

  #update(name, patch) {
    Object.assign(this.#records.get(name), patch);
    const { tailConsumer, ...rest } = patch;
    const written = "tailConsumer" in patch ? { ...rest, tailConsumer: tailConsumer ? "connected" : "not connected" } : rest;
    this.#o.state.worker(name, written);
  }
}
