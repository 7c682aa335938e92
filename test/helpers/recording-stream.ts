import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { TailCollector } from "../../collector-do/tail-collector";
import type { EventRecord } from "../../schemas/basin/event-record";

export interface StreamFaults {
  /** The next N sends throw before reaching the binding. */
  failBeforeSend?: number;
  /** The next N sends reach the binding, then throw as if the answer was lost. */
  failAfterSend?: number;
  /** Runs before each call (numbered from 1); throwing fails that call unsent. */
  beforeSend?: (call: number) => void;
}

export interface RecordingStream {
  stream: { send(records: EventRecord[]): Promise<void> };
  /** Every send that reached the binding, in order: the records as sent. */
  sends: EventRecord[][];
  /** Every call, failed ones included. */
  calls: number;
  faults: StreamFaults;
}

/**
 * A pipelines binding is a no-op locally, so what the collector sends is observed by wrapping the
 * real binding (vitest.config.ts's TEST_BASIN_STREAM): sends are recorded, faults injected, and
 * every call is passed on to it.
 */
export function recordingStream(faults: StreamFaults = {}): RecordingStream {
  const sends: EventRecord[][] = [];
  const recorder: RecordingStream = {
    sends,
    calls: 0,
    faults,
    stream: {
      async send(records) {
        recorder.calls++;
        faults.beforeSend?.(recorder.calls);
        if ((faults.failBeforeSend ?? 0) > 0) {
          faults.failBeforeSend!--;
          throw new Error("injected Basin failure before sending");
        }
        await env.TEST_BASIN_STREAM.send(records);
        sends.push(structuredClone(records));
        if ((faults.failAfterSend ?? 0) > 0) {
          faults.failAfterSend!--;
          throw new Error("injected Basin failure after sending");
        }
      },
    },
  };
  return recorder;
}

/** Binds the running collector instance to a recording stream, as if BASIN_STREAM were configured. */
export async function bindBasin(stub: DurableObjectStub<TailCollector>, faults: StreamFaults = {}): Promise<RecordingStream> {
  const recorder = recordingStream(faults);
  await runInDurableObject(stub, (instance: TailCollector) => {
    instance.basinStream = recorder.stream;
  });
  return recorder;
}

/** Waits until the collector's delivery pass (if any) is over. */
export function basinSettled(stub: DurableObjectStub<TailCollector>): Promise<void> {
  return runInDurableObject(stub, (instance: TailCollector) => instance.basin.settled());
}

/** The ids of every record sent, in order. */
export function sentIds(recorder: RecordingStream): string[] {
  return recorder.sends.flat().map((r) => r.id);
}
