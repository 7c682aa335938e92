import { DurableObject } from "cloudflare:workers";
import { correlationFrom, WideEvent } from "../../lib/wide-event";
import { dedupeTracks, MAX_PLAYERS, type Session, type SessionInput, stateHash, toTracks } from "./session-model";
import { type ConnectionTally, type DisconnectReason, disconnectReason, emitSessionEnd, newTally } from "./ws-connection";
import { handleMessage } from "./ws-messages";

export interface Playback {
  startedAt: number;
  by: string;
}

export type UpdateResult =
  | { kind: "updated"; session: Session; tempoChanged: boolean; swingChanged: boolean; tracksChanged: boolean; repairedTracks: number }
  | { kind: "immutable" }
  | { kind: "missing" };

/**
 * One live session: its state in Durable Object storage, and its players' WebSockets (hibernatable,
 * so an idle session costs nothing). Every connection ends in exactly one `ws_session_end`.
 */
export class SessionRoom extends DurableObject {
  async create(session: Session): Promise<void> {
    await this.ctx.storage.put("session", session);
  }

  async read(): Promise<Session | null> {
    return (await this.ctx.storage.get<Session>("session")) ?? null;
  }

  async update(input: SessionInput): Promise<UpdateResult> {
    const session = await this.read();
    if (!session) return { kind: "missing" };
    if (session.immutable) return { kind: "immutable" };
    const next = { ...session };
    if (typeof input.tempo === "number") next.tempo = input.tempo;
    if (typeof input.swing === "number") next.swing = input.swing;
    let repairedTracks = 0;
    if (input.tracks !== undefined) {
      const repaired = dedupeTracks(toTracks(input.tracks));
      next.tracks = repaired.tracks;
      repairedTracks = repaired.removed;
    }
    await this.save(next);
    return {
      kind: "updated",
      session: next,
      tempoChanged: next.tempo !== session.tempo,
      swingChanged: next.swing !== session.swing,
      tracksChanged: input.tracks !== undefined,
      repairedTracks,
    };
  }

  /** Counts one more remix of this session; answers the new count. */
  async countRemix(): Promise<number> {
    const session = await this.read();
    if (!session) return 0;
    session.remixCount++;
    await this.ctx.storage.put("session", session);
    return session.remixCount;
  }

  /** WebSocket upgrade: 404 / 409 bodies name the error type for the Worker's error_ws_connection. */
  override async fetch(request: Request): Promise<Response> {
    const session = await this.read();
    if (!session) return Response.json({ errorType: "session_not_found" }, { status: 404 });
    const players = this.ctx.getWebSockets().length;
    if (players >= MAX_PLAYERS) return Response.json({ errorType: "session_full" }, { status: 409 });

    const url = new URL(request.url);
    const correlation = correlationFrom(request.headers);
    // Cut to size: the connection's tally must fit a 2 KB socket attachment.
    const playerId = (url.searchParams.get("playerId") ?? crypto.randomUUID().slice(0, 8)).slice(0, 64);
    const playerName = (url.searchParams.get("name") ?? `player-${playerId}`).slice(0, 64);
    const colo = request.headers.get("x-colo");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    const tally = newTally({
      correlation,
      sessionId: session.id,
      playerId,
      playerName,
      colo,
      immutableSession: session.immutable,
      stateHashAtConnect: stateHash(session),
      peakPlayerCount: players + 1,
    });
    server.serializeAttachment(tally);
    this.raisePeak(players + 1);
    new WideEvent("ws_player_joined", correlation, {
      sessionId: session.id,
      playerId,
      playerName,
      playerColor: url.searchParams.get("color") ?? "#888888",
      totalPlayers: players + 1,
      ...(colo ? { colo } : {}),
    }).emit();
    await this.sendSnapshot(server, tally, "initial_connect");
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const tally = ws.deserializeAttachment() as ConnectionTally;
    await handleMessage(this, ws, tally, message);
    ws.serializeAttachment(tally);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    await this.end(ws, disconnectReason(code));
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.end(ws, "error");
  }

  async save(session: Session): Promise<void> {
    await this.ctx.storage.put("session", session);
  }

  async nextSeq(): Promise<number> {
    const seq = ((await this.ctx.storage.get<number>("seq")) ?? 0) + 1;
    await this.ctx.storage.put("seq", seq);
    return seq;
  }

  async currentSeq(): Promise<number> {
    return (await this.ctx.storage.get<number>("seq")) ?? 0;
  }

  async playback(): Promise<Playback | null> {
    return (await this.ctx.storage.get<Playback>("playback")) ?? null;
  }

  async setPlayback(playback: Playback | null): Promise<void> {
    if (playback) await this.ctx.storage.put("playback", playback);
    else await this.ctx.storage.delete("playback");
  }

  players(): number {
    return this.ctx.getWebSockets().length;
  }

  broadcast(message: object): void {
    const text = JSON.stringify(message);
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(text);
      } catch {
        // A socket closing right now gets its close event; nothing to do here.
      }
    }
  }

  async sendSnapshot(
    ws: WebSocket,
    tally: ConnectionTally,
    reason: "initial_connect" | "hash_mismatch" | "client_request" | "ack_gap",
  ): Promise<void> {
    const session = (await this.read()) as Session;
    const serverSeq = await this.currentSeq();
    const snapshot = JSON.stringify({ type: "snapshot", seq: serverSeq, hash: stateHash(session), session });
    ws.send(snapshot);
    tally.snapshotsSent++;
    ws.serializeAttachment(tally);
    new WideEvent("sync_snapshot_sent", tally.correlation, {
      sessionId: session.id,
      playerId: tally.playerId,
      reason,
      snapshotSize: snapshot.length,
      trackCount: session.tracks.length,
      playerCount: this.players(),
      serverSeq,
      ...(tally.colo ? { colo: tally.colo } : {}),
    }).emit();
  }

  private raisePeak(players: number): void {
    for (const socket of this.ctx.getWebSockets()) {
      const tally = socket.deserializeAttachment() as ConnectionTally | null;
      if (tally && tally.peakPlayerCount < players) {
        tally.peakPlayerCount = players;
        socket.serializeAttachment(tally);
      }
    }
  }

  private async end(ws: WebSocket, reason: DisconnectReason): Promise<void> {
    const tally = ws.deserializeAttachment() as ConnectionTally | null;
    if (!tally) return;
    const session = await this.read();
    const hash = session ? stateHash(session) : "";
    if (!emitSessionEnd(tally, reason, hash)) return;
    ws.serializeAttachment(tally);
    const remaining = this.ctx.getWebSockets().filter((socket) => socket !== ws).length;
    new WideEvent("ws_player_left", tally.correlation, {
      sessionId: tally.sessionId,
      playerId: tally.playerId,
      reason: reason === "normal_close" || reason === "kicked" ? "disconnect" : reason === "timeout" ? "timeout" : "error",
      duration: Math.round((Date.now() - tally.connectedAt) / 1000),
      totalPlayers: remaining,
    }).emit();
    try {
      ws.close(1000, "bye");
    } catch {
      // Already closed by the runtime's automatic close reply.
    }
  }
}
