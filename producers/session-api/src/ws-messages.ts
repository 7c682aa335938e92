import { WideEvent } from "../../lib/wide-event";
import { type Session, stateHash } from "./session-model";
import type { SessionRoom } from "./session-room";
import { type ConnectionTally, countMessage } from "./ws-connection";

/** An ack gap worth an event; above 50 the client is past the catch-up threshold. */
const BEHIND_EVENT_GAP = 20;
const BEHIND_THRESHOLD = 50;

type Message = { type?: unknown; [field: string]: unknown };

/**
 * Handles one client message. Mutations are applied, sequenced and broadcast; sync messages may
 * send a snapshot; every message is counted in the connection's tally. Narrow events (hash
 * mismatches, rejected mutations, playback) are emitted as they happen; the rest is summarised
 * in the connection's `ws_session_end`.
 */
export async function handleMessage(room: SessionRoom, ws: WebSocket, tally: ConnectionTally, raw: string | ArrayBuffer): Promise<void> {
  const message = parse(raw);
  const type = typeof message.type === "string" ? message.type : "invalid";
  countMessage(tally, type);
  const session = (await room.read()) as Session;
  const colo = tally.colo ? { colo: tally.colo } : {};
  const reject = (reason: "session_immutable" | "invalid_track" | "invalid_payload") =>
    new WideEvent("error_mutation_rejected", tally.correlation, {
      sessionId: session.id,
      playerId: tally.playerId,
      mutationType: type,
      reason,
      ...colo,
    }).emit();

  switch (type) {
    case "toggle_step": {
      if (session.immutable) return void reject("session_immutable");
      const track = session.tracks.find((t) => t.id === message.trackId);
      const step = Number(message.step);
      if (!track) return void reject("invalid_track");
      if (!Number.isInteger(step) || step < 0 || step >= track.steps.length) return void reject("invalid_payload");
      track.steps[step] = !track.steps[step];
      return mutate(room, session, { type, trackId: track.id, step, correlationId: message.correlationId });
    }
    case "set_tempo": {
      if (session.immutable) return void reject("session_immutable");
      if (typeof message.tempo !== "number" || message.tempo < 40 || message.tempo > 300) return void reject("invalid_payload");
      session.tempo = message.tempo;
      return mutate(room, session, { type, tempo: session.tempo, correlationId: message.correlationId });
    }
    case "play": {
      if (await room.playback()) return;
      await room.setPlayback({ startedAt: Date.now(), by: tally.playerId });
      tally.playbackStartedCount++;
      new WideEvent("playback_started", tally.correlation, {
        sessionId: session.id,
        playerId: tally.playerId,
        tempo: session.tempo,
        trackCount: session.tracks.length,
        activePlayerCount: room.players(),
        ...colo,
      }).emit();
      return room.broadcast({ type: "playing", by: tally.playerId });
    }
    case "stop": {
      const playback = await room.playback();
      if (!playback) return;
      await room.setPlayback(null);
      const seconds = Math.round((Date.now() - playback.startedAt) / 1000);
      tally.playbackStoppedCount++;
      tally.totalPlaybackDuration += seconds;
      new WideEvent("playback_stopped", tally.correlation, {
        sessionId: session.id,
        playerId: tally.playerId,
        duration: seconds,
        startedBy: playback.by,
        ...colo,
      }).emit();
      return room.broadcast({ type: "stopped", by: tally.playerId });
    }
    case "clock_sync": {
      // The client measured its round trip and clock offset; the server only averages them.
      if (typeof message.rtt === "number" && typeof message.offset === "number") {
        tally.clockSamples++;
        tally.roundTripSum += message.rtt;
        tally.clockOffsetSum += message.offset;
      }
      return ws.send(JSON.stringify({ type: "clock", serverTime: Date.now() }));
    }
    case "state_hash":
      return checkHash(room, ws, tally, session, String(message.hash ?? ""));
    case "request_snapshot":
      tally.snapshotsRequested++;
      return room.sendSnapshot(ws, tally, "client_request");
    case "ack":
      return checkAck(room, tally, session, Number(message.clientAck));
    default:
      reject("invalid_payload");
  }
}

async function mutate(room: SessionRoom, session: Session, update: Record<string, unknown>): Promise<void> {
  await room.save(session);
  const seq = await room.nextSeq();
  room.broadcast({ ...update, seq });
}

async function checkHash(room: SessionRoom, ws: WebSocket, tally: ConnectionTally, session: Session, clientHash: string): Promise<void> {
  const serverHash = stateHash(session);
  if (clientHash === serverHash) {
    tally.consecutiveMismatches = 0;
    return;
  }
  tally.hashMismatchCount++;
  tally.consecutiveMismatches++;
  new WideEvent("sync_hash_mismatch", tally.correlation, {
    sessionId: session.id,
    playerId: tally.playerId,
    serverHash,
    clientHash,
    consecutiveMismatches: tally.consecutiveMismatches,
    recoveryTriggered: true,
    ...(tally.colo ? { colo: tally.colo } : {}),
  }).emit();
  await room.sendSnapshot(ws, tally, "hash_mismatch");
}

async function checkAck(room: SessionRoom, tally: ConnectionTally, session: Session, clientAck: number): Promise<void> {
  if (!Number.isFinite(clientAck)) return;
  const serverSeq = await room.currentSeq();
  const gap = Math.max(0, serverSeq - clientAck);
  tally.maxAckGap = Math.max(tally.maxAckGap, gap);
  if (gap < BEHIND_EVENT_GAP) return;
  new WideEvent("sync_client_behind", tally.correlation, {
    sessionId: session.id,
    playerId: tally.playerId,
    clientAck,
    serverSeq,
    gap,
    thresholdExceeded: gap > BEHIND_THRESHOLD,
    ...(tally.colo ? { colo: tally.colo } : {}),
  }).emit();
}

function parse(raw: string | ArrayBuffer): Message {
  if (typeof raw !== "string") return { type: "binary" };
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Message) : {};
  } catch {
    return {};
  }
}
