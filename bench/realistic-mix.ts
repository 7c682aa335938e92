/**
 * A realistic stream of producer invocations for the benchmark: per invocation one fetch
 * TraceItem with nine console calls (mostly JSON wide events of the catalogs, some plain text,
 * warnings and errors) plus the invocation itself: ten events. About 1 in 100 throws.
 */
const WIDE_EVENTS = [
  (n: number, t: number) => ({
    _event: "run_complete",
    timestamp: t,
    runId: `run-${n}`,
    capsuleId: `cap-${n % 50}`,
    postId: `post-${n % 400}`,
    status: n % 17 === 0 ? "error" : "ok",
    plan: n % 3 === 0 ? "pro" : "free",
    durationMs: 20 + (n % 900),
  }),
  (n: number, t: number) => ({
    _event: "ws_session_end",
    timestamp: t,
    sessionId: `s-${n}`,
    playerId: `p-${n % 300}`,
    connectedAt: t - 60_000,
    disconnectedAt: t,
    duration: 30 + (n % 3000),
    disconnectReason: "normal_close",
    messageCount: n % 700,
    messagesByType: { move: n % 300, chat: n % 40 },
    stateHashAtConnect: `h${n % 9}`,
    stateHashAtDisconnect: `h${n % 7}`,
    hashMismatchCount: n % 97 === 0 ? 1 : 0,
    snapshotsSent: n % 5,
    snapshotsRequested: n % 3,
    playbackStartedCount: n % 4,
    playbackStoppedCount: n % 4,
    totalPlaybackDuration: n % 600,
    avgClockOffset: n % 30,
    avgRoundTripTime: 20 + (n % 80),
    maxAckGap: n % 12,
    colo: "LHR",
    peakPlayerCount: 1 + (n % 6),
    immutableSession: false,
  }),
  (n: number, t: number) => ({
    _event: "heartbeat",
    timestamp: t,
    monitorId: `mon-${n % 12}`,
    orgId: `org-${n % 4}`,
    region: ["wnam", "enam", "weur", "apac"][n % 4],
    status: n % 41 === 0 ? "down" : "up",
    latencyMs: 30 + (n % 400),
    dispatchId: `d-${n}`,
  }),
  (n: number, t: number) => ({
    _event: "AI.Generation.completed",
    timestamp: t,
    id: `gen-${n}`,
    model: "llama-3",
    tokens: 200 + (n % 2000),
    duration: 300 + (n % 4000),
  }),
  (n: number, t: number) => ({
    _event: "import",
    timestamp: t,
    outcome: "ok",
    plan: "free",
    totalSizeBytes: 1000 + n,
    fileCount: 1 + (n % 9),
    warningCount: n % 3,
    userId: `u-${n % 1000}`,
  }),
  (n: number, t: number) => ({
    _event: "Connection.WebSocket.opened",
    timestamp: t,
    connectionId: `ws-${n}`,
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
  }),
];

export interface MixTraceItem {
  scriptName: string;
  eventTimestamp: number;
  event: Record<string, unknown>;
  logs: { timestamp: number; level: string; message: unknown[] }[];
  exceptions: { timestamp: number; name: string; message: string; stack: string }[];
  diagnosticsChannelEvents: never[];
  outcome: string;
  truncated: boolean;
  cpuTime: number;
  wallTime: number;
  executionModel: string;
  scriptVersion: { id: string };
}

export function realisticInvocations(count: number, start = Date.UTC(2030, 0, 1)): MixTraceItem[] {
  return Array.from({ length: count }, (_, n) => {
    const t = start + n * 7;
    const throws = n % 100 === 99;
    const logs = Array.from({ length: 9 }, (_, i) => {
      const k = n * 9 + i;
      if (i === 7) return { timestamp: t + i, level: "info", message: [`cache ${k % 2 ? "hit" : "miss"} for key user:${k % 5000}`] };
      if (i === 8)
        return { timestamp: t + i, level: k % 10 === 0 ? "error" : "warn", message: [`slow upstream ${k % 13} took ${k % 900}ms`] };
      return {
        timestamp: t + i,
        level: "log",
        message: [JSON.stringify({ requestId: `req-${n}`, ...WIDE_EVENTS[k % WIDE_EVENTS.length]!(k, t + i) })],
      };
    });
    return {
      scriptName: ["code-runner", "session-api", "uptime-monitor", "do-framework"][n % 4]!,
      eventTimestamp: t,
      event: {
        request: {
          url: `https://api.example.com/v1/items/${n % 500}?page=${n % 7}`,
          method: n % 5 ? "GET" : "POST",
          headers: { "user-agent": "bench", "cf-ray": `ray-${n}`, "cf-connecting-ip": `198.51.100.${n % 250}` },
          cf: { colo: "LHR", country: "GB", asn: 13335 },
        },
        response: { status: throws ? 500 : 200 },
      },
      logs,
      exceptions: throws
        ? [
            {
              timestamp: t + 9,
              name: "TypeError",
              message: "Cannot read properties of undefined (reading 'id')",
              stack: "TypeError: x\n    at handler (index.js:10:3)",
            },
          ]
        : [],
      diagnosticsChannelEvents: [],
      outcome: throws ? "exception" : "ok",
      truncated: false,
      cpuTime: 2 + (n % 9),
      wallTime: 15 + (n % 300),
      executionModel: "stateless",
      scriptVersion: { id: "bench-version" },
    };
  });
}

/**
 * The wide-event mix: each invocation logs one wide event (the first JSON line of the realistic
 * mix), so the tail worker sends two events per invocation, that line and the invocation record.
 */
export function wideEventInvocations(count: number, start = Date.UTC(2030, 0, 1)): MixTraceItem[] {
  return realisticInvocations(count, start).map((item) => ({ ...item, logs: item.logs.slice(0, 1), exceptions: [], outcome: "ok" }));
}
