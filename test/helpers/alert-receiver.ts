import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    alertReceiverUrl: string;
  }
}

/** A request the receiver got: `status` is what it answered (null while held). */
export interface ReceivedNotification {
  at: number;
  method: string;
  id: string | null;
  signature: "valid" | "invalid" | "missing" | "unchecked";
  contentType: string | null;
  status: number | null;
  body: string;
}

/** What the receiver answers a notification: a status, or a status with response headers. */
export type Answer = number | { status: number; headers: Record<string, string> };

/** An inbox of the loopback receiver (test/engines/alert-receiver.mjs), one per test. */
export interface Receiver {
  url: string;
  control(settings: { secret?: string; answers?: Answer[]; hold?: boolean; release?: boolean }): Promise<void>;
  requests(): Promise<ReceivedNotification[]>;
  /** The bodies of the requests answered 2xx, parsed. */
  accepted(): Promise<Record<string, unknown>[]>;
}

export function receiver(name: string): Receiver {
  const base = inject("alertReceiverUrl");
  const requests = async () => ((await (await fetch(`${base}/received/${name}`)).json()) as { requests: ReceivedNotification[] }).requests;
  return {
    url: `${base}/hooks/${name}`,
    async control(settings) {
      await (await fetch(`${base}/control/${name}`, { method: "POST", body: JSON.stringify(settings) })).arrayBuffer();
    },
    requests,
    async accepted() {
      return (await requests())
        .filter((r) => r.status !== null && r.status < 300)
        .map((r) => JSON.parse(r.body) as Record<string, unknown>);
    },
  };
}

/** Polls until `check` answers something other than undefined (a wait bound, not a speed target). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
