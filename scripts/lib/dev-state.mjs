import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT } from "./wrangler.mjs";

/**
 * What a running `npm run dev` knows about its workers, for other processes (`npm run load`):
 * `.wrangler/dev-pipeline.json`, rewritten whole (write, then rename) on every change and removed
 * on exit. Shape:
 * `{ pid, startedAt, updatedAt, pipeline: "starting"|"ready"|"degraded", lostDeliveries,
 *    workers: { <name>: { status: "starting"|"up"|"failed"|"exited", url, port, reason,
 *                         tailConsumer: "connected"|"not connected", delivers, lostDeliveries } } }`.
 * It only informs: whether events get through is always proved by a probe, never read from here.
 */
export const DEV_STATE_FILE = join(ROOT, ".wrangler", "dev-pipeline.json");

export class DevStateFile {
  #file;
  #state;

  constructor(file = DEV_STATE_FILE, pid = process.pid) {
    this.#file = file;
    this.#state = { pid, startedAt: new Date().toISOString(), updatedAt: null, pipeline: "starting", lostDeliveries: 0, workers: {} };
    this.#write();
  }

  worker(name, patch) {
    this.#state.workers[name] = { ...this.#state.workers[name], ...patch };
    this.#write();
  }

  set(patch) {
    Object.assign(this.#state, patch);
    this.#write();
  }

  remove() {
    rmSync(this.#file, { force: true });
  }

  #write() {
    this.#state.updatedAt = new Date().toISOString();
    mkdirSync(dirname(this.#file), { recursive: true });
    const temporary = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.#state, null, 2)}\n`);
    renameSync(temporary, this.#file);
  }
}

/** The state of a running `npm run dev`, or undefined: no file, unreadable, or its process is gone. */
export function readDevState(file = DEV_STATE_FILE) {
  let state;
  try {
    state = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  return typeof state?.pid === "number" && processAlive(state.pid) ? state : undefined;
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
