/**
 * One valid event for every name the catalogs list by hand (the DO framework's names are
 * generated, see doFrameworkSample), with the field values the seed documents describe.
 */
const T = Date.UTC(2031, 2, 14, 9, 0, 0);

export const WIDE_EVENT_SAMPLES: Record<string, Record<string, unknown>> = {
  session_created: {
    timestamp: T,
    sessionId: "s1",
    source: "remix",
    remixedFrom: "s0",
    trackCount: 4,
    tempo: 120,
    swing: 0.1,
    duration: 12,
    colo: "ewr",
    userAgent: "ua",
  },
  session_accessed: { timestamp: T, sessionId: "s1", trackCount: 4, immutable: false, duration: 3 },
  session_updated: {
    timestamp: T,
    sessionId: "s1",
    trackCount: 4,
    tempoChanged: true,
    swingChanged: false,
    tracksChanged: true,
    duration: 9,
  },
  session_published: { timestamp: T, sourceSessionId: "s1", publishedSessionId: "s2", trackCount: 4, duration: 20 },
  session_remixed: { timestamp: T, parentSessionId: "s1", newSessionId: "s3", parentRemixCount: 2, trackCount: 4, duration: 15 },
  ws_session_end: {
    timestamp: T,
    sessionId: "s1",
    playerId: "p1",
    connectedAt: T - 60_000,
    disconnectedAt: T,
    duration: 60,
    disconnectReason: "normal_close",
    messageCount: 45,
    messagesByType: { toggle_step: 42, set_tempo: 3 },
    stateHashAtConnect: "aa",
    stateHashAtDisconnect: "bb",
    hashMismatchCount: 0,
    snapshotsSent: 1,
    snapshotsRequested: 0,
    playbackStartedCount: 2,
    playbackStoppedCount: 2,
    totalPlaybackDuration: 31,
    avgClockOffset: 4,
    avgRoundTripTime: 38,
    maxAckGap: 2,
    peakPlayerCount: 3,
    immutableSession: false,
  },
  ws_player_joined: { timestamp: T, sessionId: "s1", playerId: "p1", playerName: "ada", playerColor: "#fff", totalPlayers: 2 },
  ws_player_left: { timestamp: T, sessionId: "s1", playerId: "p1", reason: "timeout", duration: 60, totalPlayers: 1 },
  error_rate_limit: { timestamp: T, clientIp: "ab12", endpoint: "/api/sessions", requestsInWindow: 61, windowDuration: 10, retryAfter: 4 },
  error_quota_exceeded: { timestamp: T, operation: "create", quotaType: "kv_writes", retryAfter: 3600 },
  error_validation: { timestamp: T, endpoint: "/api/sessions", method: "POST", errors: ["tempo must be a number"] },
  error_ws_connection: { timestamp: T, sessionId: "s1", errorType: "session_full", errorMessage: "full" },
  error_invariant: {
    timestamp: T,
    sessionId: "s1",
    violationType: "duplicate_track_id",
    repairAction: "dropped 1 track",
    autoRepaired: true,
  },
  error_mutation_rejected: { timestamp: T, sessionId: "s1", playerId: "p1", mutationType: "toggle_step", reason: "session_immutable" },
  sync_hash_mismatch: {
    timestamp: T,
    sessionId: "s1",
    playerId: "p1",
    serverHash: "aa",
    clientHash: "bb",
    consecutiveMismatches: 1,
    recoveryTriggered: true,
  },
  sync_snapshot_sent: {
    timestamp: T,
    sessionId: "s1",
    playerId: "p1",
    reason: "hash_mismatch",
    snapshotSize: 2048,
    trackCount: 4,
    playerCount: 2,
    serverSeq: 17,
  },
  sync_client_behind: { timestamp: T, sessionId: "s1", playerId: "p1", clientAck: 10, serverSeq: 70, gap: 60, thresholdExceeded: true },
  playback_started: { timestamp: T, sessionId: "s1", playerId: "p1", tempo: 120, trackCount: 4, activePlayerCount: 2 },
  playback_stopped: { timestamp: T, sessionId: "s1", playerId: "p1", duration: 31 },
};

export const RUNTIME_SAMPLES: Record<string, Record<string, unknown>> = {
  import: { outcome: "success", plan: "pro", code: "ok", totalSizeBytes: 52_000, fileCount: 7, warningCount: 1, userId: "user_1" },
  publish: {
    outcome: "success",
    plan: "free",
    code: "ok",
    totalSizeBytes: 9_000,
    fileCount: 2,
    warningCount: 0,
    userId: "user_2",
    capsuleId: "cap_1",
  },
  artifact_compile: {
    outcome: "failed",
    runtimeType: "python",
    errorCode: "syntax_error",
    artifactId: "art_1",
    bundleSizeBytes: 4_000,
    elapsedMs: 2_300,
    warningCount: 2,
  },
  artifact_compile_queued: { artifactId: "art_1", runtimeType: "python" },
  artifact_compile_success: { artifactId: "art_2" },
  artifact_compile_failed: {},
  run_start: { runId: "run_1", status: "started", plan: "pro", capsuleId: "cap_1", postId: "post_1" },
  run_complete: {
    runId: "run_1",
    status: "failed",
    plan: "pro",
    capsuleId: "cap_1",
    postId: "post_1",
    error: "TypeError",
    durationMs: 1_234,
  },
  run_quota_observation: { plan: "free", userId: "user_1", runsThisMonth: 150, percentUsed: 75 },
  player_console_log: {
    level: "warn",
    source: "console",
    message: "deprecated",
    capsuleId: "cap_1",
    postId: "post_1",
    timestampMs: T,
    sampleRate: 0.5,
    runId: "run_1",
  },
  runtime_event: {
    event: "runtime_error",
    capsuleId: "cap_1",
    artifactId: "art_1",
    runtimeType: "react",
    runtimeVersion: "2026.11.0",
    code: "E_UNCAUGHT",
    message: "boom",
    timestampMs: T,
    isError: true,
  },
  safety_verdict: {
    entryPath: "index.html",
    riskLevel: "high",
    decision: "block",
    tags: ["eval", "cookies"],
    reasons: ["dynamic code evaluation", "reads cookies"],
    codeHash: "c0ffee",
  },
  live_waitlist: { plan: "creator", sessionId: "sess_1" },
  do_status: {},
};

export const HEARTBEAT_SAMPLE: Record<string, unknown> = {
  timestamp: T,
  monitorId: "mon_search",
  orgId: "org_globex",
  region: "apac",
  status: "down",
  latencyMs: 10_000,
  dispatchId: "disp_1",
  error: "timed out after 10000 ms",
};

/** Every listed name with a valid sample, `_event` included. */
export function listedSamples(): [string, Record<string, unknown>][] {
  return Object.entries({ ...WIDE_EVENT_SAMPLES, ...RUNTIME_SAMPLES, heartbeat: HEARTBEAT_SAMPLE }).map(([name, fields]) => [
    name,
    { _event: name, ...fields },
  ]);
}

/** A valid namespaced event: failed ones say why. */
export function doFrameworkSample(name: string): Record<string, unknown> {
  return { _event: name, id: "x-1", duration: 25, ...(name.endsWith("failed") ? { error: "it broke" } : {}) };
}
