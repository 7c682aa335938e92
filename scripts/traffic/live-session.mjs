import { between, chance, pick, shortId, sleep } from "./client.mjs";

const COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0"];
const NAMES = ["ada", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances"];

/** The session API's state hash (producers/session-api/src/session-model.ts), so clients can agree with it. */
function stateHash(session) {
  const text = JSON.stringify([session.tempo, session.swing, session.tracks.map((t) => [t.id, t.steps.map(Number).join("")])]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/**
 * One live session: a few players join over WebSockets, toggle steps, change tempo, play and
 * stop, sync clocks and state hashes (now and then drifting, now and then lagging on acks), then
 * leave, mostly cleanly. Each connection is one ws_session_end at the producer.
 */
export async function liveSession(client, { crowd = false } = {}) {
  const session = await client.send("session-api", "POST", "/api/sessions", {
    body: { tempo: between(80, 160), tracks: [{ id: "kick" }, { id: "snare" }, { id: "hat" }, { id: "bass" }] },
  });
  if (!session?.id) return;
  // A crowd asks for more seats than a session has (6): the last ones are turned away.
  const players = crowd ? 8 : between(1, 4);
  await Promise.all(Array.from({ length: players }, (_, i) => play(client, session.id, crowd ? i * 50 : i * between(100, 1500))));
}

/** A player who asks for a session that does not exist: error_ws_connection at the producer. */
export async function strayPlayer(client) {
  const socket = await connect(client, `nosuch${shortId()}`);
  if (socket) socket.close(1000);
}

async function play(client, sessionId, delayMs) {
  await sleep(delayMs);
  const ws = await connect(client, sessionId);
  if (!ws) return;
  const local = { session: null, seq: 0 };
  ws.addEventListener("message", (event) => apply(local, String(event.data)));
  const until = Date.now() + between(2_000, 9_000);
  while (Date.now() < until && ws.readyState === WebSocket.OPEN && client.budget.take()) {
    const message = nextMessage(local);
    ws.send(typeof message === "string" ? message : JSON.stringify({ ...message, correlationId: shortId() }));
    client.tally.count("session-api WS message", typeof message === "string" ? "garbage" : message.type);
    await sleep(between(120, 600));
  }
  await leave(client, ws, pick([1000, 1000, 1000, 1000, 1000, 1000, 1000, 4008, 4500]));
}

/** One player sending exactly `messages`, then leaving with close `code` (the catalog tour's). */
export async function scriptedPlayer(client, sessionId, messages, code = 1000) {
  const ws = await connect(client, sessionId);
  if (!ws) return;
  for (const message of messages) {
    if (!client.budget.take()) break;
    ws.send(JSON.stringify(message));
    client.tally.count("session-api WS message", message.type);
    await sleep(60);
  }
  await leave(client, ws, code);
}

/** 1000 leaves normally (a browser may only send 1000 or 3000-4999); 4008 says the client timed out, 4500 that it crashed. */
async function leave(client, ws, code) {
  const closed = new Promise((resolve) => ws.addEventListener("close", resolve, { once: true }));
  ws.close(code, code === 4008 ? "client timed out" : code === 4500 ? "client crashed" : "bye");
  await Promise.race([closed, sleep(3_000)]);
  client.tally.count("session-api WS close", code);
}

function connect(client, sessionId) {
  if (!client.budget.take()) return Promise.resolve(null);
  const name = pick(NAMES);
  const query = new URLSearchParams({ playerId: `p${shortId()}`, name, color: pick(COLORS) });
  const ws = new WebSocket(client.url("session-api", `/api/sessions/${sessionId}/ws?${query}`, "ws"));
  return new Promise((resolve) => {
    const timer = setTimeout(() => settle(null, "timeout"), 5_000);
    const settle = (socket, outcome) => {
      clearTimeout(timer);
      client.tally.count("session-api WS connect", outcome);
      resolve(socket);
    };
    ws.addEventListener("open", () => settle(ws, "open"), { once: true });
    ws.addEventListener("error", () => settle(null, "refused"), { once: true });
  });
}

function apply(local, text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return;
  }
  if (message.type === "snapshot") {
    local.session = message.session;
    local.seq = message.seq;
    return;
  }
  if (typeof message.seq === "number") local.seq = Math.max(local.seq, message.seq);
  const track = local.session?.tracks.find((t) => t.id === message.trackId);
  if (message.type === "toggle_step" && track) track.steps[message.step] = !track.steps[message.step];
  if (message.type === "set_tempo" && local.session) local.session.tempo = message.tempo;
}

function nextMessage(local) {
  const tracks = local.session?.tracks ?? [];
  const roll = Math.random();
  if (roll < 0.45) return { type: "toggle_step", trackId: chance(0.03) ? "ghost" : (pick(tracks)?.id ?? "kick"), step: between(0, 15) };
  if (roll < 0.52) return { type: "set_tempo", tempo: between(70, 180) };
  if (roll < 0.6) return { type: pick(["play", "stop"]) };
  if (roll < 0.72) return { type: "clock_sync", rtt: between(8, chance(0.1) ? 400 : 90), offset: between(-40, 40) };
  if (roll < 0.87) {
    // Now and then a client drifts: its own copy of the pattern goes wrong.
    if (local.session && chance(0.08)) local.session.tempo += 1;
    return { type: "state_hash", hash: local.session ? stateHash(local.session) : "none" };
  }
  if (roll < 0.91) return { type: "request_snapshot" };
  if (roll < 0.99) return { type: "ack", clientAck: chance(0.1) ? Math.max(0, local.seq - 30) : local.seq };
  return "not json {";
}
