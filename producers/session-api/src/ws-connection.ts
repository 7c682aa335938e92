import { type Correlation, WideEvent } from "../../lib/wide-event";

/**
 * What one WebSocket connection has done so far. It lives in the socket's attachment (at most
 * 2 KB), not in memory, because the Durable Object may hibernate between two messages; at close
 * it becomes the connection's single `ws_session_end` wide event.
 */
export interface ConnectionTally {
  correlation: Correlation;
  sessionId: string;
  playerId: string;
  playerName: string;
  colo: string | null;
  immutableSession: boolean;
  connectedAt: number;
  stateHashAtConnect: string;
  messageCount: number;
  messagesByType: Record<string, number>;
  hashMismatchCount: number;
  consecutiveMismatches: number;
  snapshotsSent: number;
  snapshotsRequested: number;
  playbackStartedCount: number;
  playbackStoppedCount: number;
  /** Seconds of playback this player stopped. */
  totalPlaybackDuration: number;
  clockSamples: number;
  clockOffsetSum: number;
  roundTripSum: number;
  maxAckGap: number;
  peakPlayerCount: number;
  ended: boolean;
}

/** Message types counted by name; anything else a client sends is counted as "other". */
export const COUNTED_TYPES = new Set(["toggle_step", "set_tempo", "play", "stop", "clock_sync", "state_hash", "request_snapshot", "ack"]);

export type DisconnectReason = "normal_close" | "error" | "timeout" | "kicked" | "session_full";

/** Close codes as clients of this API use them: 1000/1001/1005 normal, 4000 kicked, 4008 timed out. */
export function disconnectReason(code: number): DisconnectReason {
  if (code === 1000 || code === 1001 || code === 1005) return "normal_close";
  if (code === 4000) return "kicked";
  if (code === 4008) return "timeout";
  return "error";
}

export function newTally(
  fields: Pick<
    ConnectionTally,
    "correlation" | "sessionId" | "playerId" | "playerName" | "colo" | "immutableSession" | "stateHashAtConnect" | "peakPlayerCount"
  >,
): ConnectionTally {
  return {
    ...fields,
    connectedAt: Date.now(),
    messageCount: 0,
    messagesByType: {},
    hashMismatchCount: 0,
    consecutiveMismatches: 0,
    snapshotsSent: 0,
    snapshotsRequested: 0,
    playbackStartedCount: 0,
    playbackStoppedCount: 0,
    totalPlaybackDuration: 0,
    clockSamples: 0,
    clockOffsetSum: 0,
    roundTripSum: 0,
    maxAckGap: 0,
    ended: false,
  };
}

export function countMessage(tally: ConnectionTally, type: string): void {
  const key = COUNTED_TYPES.has(type) ? type : "other";
  tally.messageCount++;
  tally.messagesByType[key] = (tally.messagesByType[key] ?? 0) + 1;
}

/** The connection's one `ws_session_end`; answers false if it was already emitted. */
export function emitSessionEnd(tally: ConnectionTally, reason: DisconnectReason, stateHashAtDisconnect: string): boolean {
  if (tally.ended) return false;
  tally.ended = true;
  const disconnectedAt = Date.now();
  const average = (sum: number) => (tally.clockSamples === 0 ? 0 : Math.round(sum / tally.clockSamples));
  new WideEvent("ws_session_end", tally.correlation, {
    sessionId: tally.sessionId,
    playerId: tally.playerId,
    playerName: tally.playerName,
    connectedAt: tally.connectedAt,
    disconnectedAt,
    duration: Math.round((disconnectedAt - tally.connectedAt) / 1000),
    disconnectReason: reason,
    messageCount: tally.messageCount,
    messagesByType: tally.messagesByType,
    stateHashAtConnect: tally.stateHashAtConnect,
    stateHashAtDisconnect,
    hashMismatchCount: tally.hashMismatchCount,
    snapshotsSent: tally.snapshotsSent,
    snapshotsRequested: tally.snapshotsRequested,
    playbackStartedCount: tally.playbackStartedCount,
    playbackStoppedCount: tally.playbackStoppedCount,
    totalPlaybackDuration: tally.totalPlaybackDuration,
    avgClockOffset: average(tally.clockOffsetSum),
    avgRoundTripTime: average(tally.roundTripSum),
    maxAckGap: tally.maxAckGap,
    ...(tally.colo ? { colo: tally.colo } : {}),
    peakPlayerCount: tally.peakPlayerCount,
    immutableSession: tally.immutableSession,
    startTime: tally.connectedAt,
    durationMs: disconnectedAt - tally.connectedAt,
    outcome: reason === "normal_close" ? "ok" : "error",
  }).emit();
  return true;
}
