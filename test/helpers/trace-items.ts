/**
 * Builders for TraceItems as the runtime hands them to `tail()` (shape in ../shared/PLATFORM.md).
 * They are plain objects, like the deserialised items a tail worker receives.
 */

/** A fixed start time, so that expectations on timestamps, dates and ids are stable. */
export const T0 = Date.UTC(2031, 2, 14, 9, 26, 53, 589);

export interface TestLog {
  timestamp: number;
  level: string;
  message: unknown[];
}

export interface TestTraceItem {
  scriptName: string | null;
  eventTimestamp: number | null;
  event: Record<string, unknown> | null;
  logs: TestLog[];
  exceptions: { timestamp: number; name: string; message: string; stack?: string }[];
  diagnosticsChannelEvents: { timestamp: number; channel: string; message: unknown }[];
  outcome: string;
  truncated: boolean;
  cpuTime: number;
  wallTime: number;
  executionModel: string;
  entrypoint?: string;
  scriptVersion?: { id: string; tag?: string; message?: string };
  [field: string]: unknown;
}

/** One console call: `message` holds its arguments, exactly as console received them. */
export function log(level: string, ...message: unknown[]): TestLog {
  return { timestamp: T0 + 1, level, message };
}

/** A log at a given time. */
export function logAt(timestamp: number, level: string, ...message: unknown[]): TestLog {
  return { timestamp, level, message };
}

export function fetchEvent(
  method: string,
  url: string,
  status?: number,
  cf: Record<string, unknown> = { colo: "LHR" },
): Record<string, unknown> {
  return {
    request: { url, method, headers: { "user-agent": "vitest", "cf-ray": "8a1b2c3d4e5f6789-LHR" }, cf },
    ...(status === undefined ? {} : { response: { status } }),
  };
}

/** A successful fetch invocation of `test-producer` with no logs; override any field. */
export function traceItem(overrides: Partial<TestTraceItem> = {}): TestTraceItem {
  return {
    scriptName: "test-producer",
    eventTimestamp: T0,
    event: fetchEvent("GET", "https://example.com/", 200),
    logs: [],
    exceptions: [],
    diagnosticsChannelEvents: [],
    outcome: "ok",
    truncated: false,
    cpuTime: 2,
    wallTime: 17,
    executionModel: "stateless",
    scriptVersion: { id: "v-1111", tag: "release-1", message: "first release" },
    ...overrides,
  };
}
