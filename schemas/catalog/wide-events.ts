import * as v from "valibot";

/**
 * The wide-event catalog of the observability strategy (appendix D): session lifecycle, WebSocket
 * sessions, errors, state sync and playback. Field names, types and allowed values are the
 * document's; `?` fields are optional. Loose objects: high-cardinality extras are welcome.
 */
const when = v.number();
const ms = v.number();
const count = v.number();
const colo = v.optional(v.string());

const event = <N extends string, E extends v.ObjectEntries>(name: N, entries: E) =>
  v.looseObject({ _event: v.literal(name), timestamp: when, ...entries });

// D.1 Session lifecycle
export const SessionCreated = event("session_created", {
  sessionId: v.string(),
  source: v.picklist(["new", "remix", "import"]),
  remixedFrom: v.optional(v.string()),
  trackCount: count,
  tempo: v.number(),
  swing: v.number(),
  /** Request processing time (ms). */
  duration: ms,
  colo,
  userAgent: v.optional(v.string()),
});

export const SessionAccessed = event("session_accessed", {
  sessionId: v.string(),
  trackCount: count,
  immutable: v.boolean(),
  duration: ms,
  colo,
});

export const SessionUpdated = event("session_updated", {
  sessionId: v.string(),
  trackCount: count,
  tempoChanged: v.boolean(),
  swingChanged: v.boolean(),
  tracksChanged: v.boolean(),
  duration: ms,
  colo,
});

export const SessionPublished = event("session_published", {
  sourceSessionId: v.string(),
  publishedSessionId: v.string(),
  trackCount: count,
  duration: ms,
  colo,
});

export const SessionRemixed = event("session_remixed", {
  parentSessionId: v.string(),
  newSessionId: v.string(),
  parentRemixCount: count,
  trackCount: count,
  duration: ms,
  colo,
});

// D.2 WebSocket sessions
/** The primary wide event: once per WebSocket connection lifecycle, on disconnect. */
export const WsSessionEnd = event("ws_session_end", {
  sessionId: v.string(),
  playerId: v.string(),
  connectedAt: when,
  disconnectedAt: when,
  /** Seconds. */
  duration: v.number(),
  disconnectReason: v.picklist(["normal_close", "error", "timeout", "kicked", "session_full"]),
  messageCount: count,
  messagesByType: v.record(v.string(), count),
  stateHashAtConnect: v.string(),
  stateHashAtDisconnect: v.string(),
  hashMismatchCount: count,
  snapshotsSent: count,
  snapshotsRequested: count,
  playbackStartedCount: count,
  playbackStoppedCount: count,
  /** Seconds. */
  totalPlaybackDuration: v.number(),
  avgClockOffset: ms,
  avgRoundTripTime: ms,
  maxAckGap: count,
  colo,
  peakPlayerCount: count,
  immutableSession: v.boolean(),
});

export const WsPlayerJoined = event("ws_player_joined", {
  sessionId: v.string(),
  playerId: v.string(),
  playerName: v.string(),
  playerColor: v.string(),
  totalPlayers: count,
  colo,
});

export const WsPlayerLeft = event("ws_player_left", {
  sessionId: v.string(),
  playerId: v.string(),
  reason: v.picklist(["disconnect", "error", "timeout"]),
  duration: v.number(),
  totalPlayers: count,
});

// D.3 Errors
export const ErrorRateLimit = event("error_rate_limit", {
  /** Hashed for privacy. */
  clientIp: v.string(),
  endpoint: v.string(),
  requestsInWindow: count,
  windowDuration: v.number(),
  retryAfter: v.number(),
  colo,
});

export const ErrorQuotaExceeded = event("error_quota_exceeded", {
  sessionId: v.optional(v.string()),
  operation: v.picklist(["create", "update", "remix", "publish"]),
  quotaType: v.picklist(["kv_writes"]),
  /** Seconds until midnight UTC. */
  retryAfter: v.number(),
  colo,
});

export const ErrorValidation = event("error_validation", {
  sessionId: v.optional(v.string()),
  endpoint: v.string(),
  method: v.string(),
  errors: v.array(v.string()),
  colo,
});

export const ErrorWsConnection = event("error_ws_connection", {
  sessionId: v.string(),
  playerId: v.optional(v.string()),
  errorType: v.picklist(["session_not_found", "session_full", "upgrade_failed", "do_unavailable"]),
  errorMessage: v.string(),
  colo,
});

export const ErrorInvariant = event("error_invariant", {
  sessionId: v.string(),
  violationType: v.picklist(["duplicate_track_id", "missing_track", "invalid_step_count", "orphaned_parameter_lock"]),
  repairAction: v.string(),
  autoRepaired: v.boolean(),
  colo,
});

export const ErrorMutationRejected = event("error_mutation_rejected", {
  sessionId: v.string(),
  playerId: v.string(),
  mutationType: v.string(),
  reason: v.picklist(["session_immutable", "invalid_track", "invalid_payload"]),
  colo,
});

// D.4 State sync
export const SyncHashMismatch = event("sync_hash_mismatch", {
  sessionId: v.string(),
  playerId: v.string(),
  serverHash: v.string(),
  clientHash: v.string(),
  consecutiveMismatches: count,
  recoveryTriggered: v.boolean(),
  colo,
});

export const SyncSnapshotSent = event("sync_snapshot_sent", {
  sessionId: v.string(),
  playerId: v.string(),
  reason: v.picklist(["initial_connect", "hash_mismatch", "client_request", "ack_gap", "proactive"]),
  /** Bytes. */
  snapshotSize: count,
  trackCount: count,
  playerCount: count,
  serverSeq: count,
  colo,
});

export const SyncClientBehind = event("sync_client_behind", {
  sessionId: v.string(),
  playerId: v.string(),
  clientAck: count,
  serverSeq: count,
  gap: count,
  thresholdExceeded: v.boolean(),
  colo,
});

// D.5 Playback
export const PlaybackStarted = event("playback_started", {
  sessionId: v.string(),
  playerId: v.string(),
  tempo: v.number(),
  trackCount: count,
  activePlayerCount: count,
  colo,
});

export const PlaybackStopped = event("playback_stopped", {
  sessionId: v.string(),
  playerId: v.string(),
  /** Seconds it played. */
  duration: v.number(),
  colo,
});

export const WIDE_EVENTS = {
  session_created: SessionCreated,
  session_accessed: SessionAccessed,
  session_updated: SessionUpdated,
  session_published: SessionPublished,
  session_remixed: SessionRemixed,
  ws_session_end: WsSessionEnd,
  ws_player_joined: WsPlayerJoined,
  ws_player_left: WsPlayerLeft,
  error_rate_limit: ErrorRateLimit,
  error_quota_exceeded: ErrorQuotaExceeded,
  error_validation: ErrorValidation,
  error_ws_connection: ErrorWsConnection,
  error_invariant: ErrorInvariant,
  error_mutation_rejected: ErrorMutationRejected,
  sync_hash_mismatch: SyncHashMismatch,
  sync_snapshot_sent: SyncSnapshotSent,
  sync_client_behind: SyncClientBehind,
  playback_started: PlaybackStarted,
  playback_stopped: PlaybackStopped,
} as const;
