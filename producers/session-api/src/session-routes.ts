import { type Correlation, correlationHeaders, WideEvent } from "../../lib/wide-event";
import { dedupeTracks, inputErrors, newSessionId, type Session, type SessionInput, toTracks } from "./session-model";
import type { SessionRoom } from "./session-room";

export interface Env {
  SESSION_ROOM: DurableObjectNamespace<SessionRoom>;
}

/** What every handler gets: the request, its correlation ids, and the context fields of its events. */
export interface RouteContext {
  request: Request;
  env: Env;
  correlation: Correlation;
  colo: string | undefined;
  /** `x-simulate: invalid` asks for a deliberately invalid catalog event, to exercise validation. */
  simulateInvalid: boolean;
}

const room = (env: Env, id: string) => env.SESSION_ROOM.get(env.SESSION_ROOM.idFromName(id));

/** POST /api/sessions: a new (or imported) session, one `session_created`. */
export async function createSession(ctx: RouteContext): Promise<Response> {
  const body = await readBody(ctx);
  if (body instanceof Response) return body;
  const event = new WideEvent("session_created", ctx.correlation, {
    colo: ctx.colo,
    userAgent: ctx.request.headers.get("user-agent") ?? undefined,
  });
  const repaired = dedupeTracks(toTracks(body.tracks ?? [{ id: "kick" }, { id: "snare" }, { id: "hat" }]));
  const session: Session = {
    id: newSessionId(),
    tracks: repaired.tracks,
    tempo: typeof body.tempo === "number" ? body.tempo : 120,
    swing: typeof body.swing === "number" ? body.swing : 0,
    immutable: false,
    remixCount: 0,
    remixedFrom: null,
    createdAt: Date.now(),
  };
  await room(ctx.env, session.id).create(session);
  event.set({
    sessionId: session.id,
    source: body.source === "import" ? "import" : "new",
    trackCount: ctx.simulateInvalid ? (String(session.tracks.length) as unknown as number) : session.tracks.length,
    tempo: session.tempo,
    swing: session.swing,
    duration: event.elapsedMs(),
  });
  event.emit();
  return Response.json(session, { status: 201 });
}

/** GET /api/sessions/:id: one `session_accessed`. */
export async function getSession(ctx: RouteContext, id: string): Promise<Response> {
  const event = new WideEvent("session_accessed", ctx.correlation, { sessionId: id, colo: ctx.colo });
  const session = await room(ctx.env, id).read();
  if (!session) return notFound(ctx, id);
  event.set({ trackCount: session.tracks.length, immutable: session.immutable, duration: event.elapsedMs() }).emit();
  return Response.json(session);
}

/** PUT /api/sessions/:id: `session_updated`, or `error_mutation_rejected` on a published session. */
export async function updateSession(ctx: RouteContext, id: string): Promise<Response> {
  const body = await readBody(ctx);
  if (body instanceof Response) return body;
  const event = new WideEvent("session_updated", ctx.correlation, { sessionId: id, colo: ctx.colo });
  const result = await room(ctx.env, id).update(body);
  if (result.kind === "missing") return notFound(ctx, id);
  if (result.kind === "immutable") {
    const playerId = ctx.request.headers.get("x-player-id") ?? "http";
    new WideEvent("error_mutation_rejected", ctx.correlation, {
      sessionId: id,
      playerId,
      mutationType: "update_session",
      reason: "session_immutable",
      colo: ctx.colo,
    }).emit();
    return Response.json({ error: "session is published and immutable" }, { status: 409 });
  }
  if (result.repairedTracks > 0) {
    new WideEvent("error_invariant", ctx.correlation, {
      sessionId: id,
      violationType: "duplicate_track_id",
      repairAction: `dropped ${result.repairedTracks} track(s) with a duplicate id`,
      autoRepaired: true,
      colo: ctx.colo,
    }).emit();
  }
  const { session, tempoChanged, swingChanged, tracksChanged } = result;
  event.set({ trackCount: session.tracks.length, tempoChanged, swingChanged, tracksChanged, duration: event.elapsedMs() }).emit();
  return Response.json(session);
}

/** POST /api/sessions/:id/publish: an immutable copy, one `session_published`. */
export async function publishSession(ctx: RouteContext, id: string): Promise<Response> {
  const event = new WideEvent("session_published", ctx.correlation, { sourceSessionId: id, colo: ctx.colo });
  const source = await room(ctx.env, id).read();
  if (!source) return notFound(ctx, id);
  const published: Session = { ...source, id: newSessionId(), immutable: true, remixCount: 0, createdAt: Date.now() };
  await room(ctx.env, published.id).create(published);
  event.set({ publishedSessionId: published.id, trackCount: published.tracks.length, duration: event.elapsedMs() }).emit();
  return Response.json(published, { status: 201 });
}

/** POST /api/sessions/:id/remix: an editable fork, one `session_remixed`. */
export async function remixSession(ctx: RouteContext, id: string): Promise<Response> {
  const event = new WideEvent("session_remixed", ctx.correlation, { parentSessionId: id, colo: ctx.colo });
  const parent = await room(ctx.env, id).read();
  if (!parent) return notFound(ctx, id);
  const remix: Session = { ...parent, id: newSessionId(), immutable: false, remixCount: 0, remixedFrom: id, createdAt: Date.now() };
  await room(ctx.env, remix.id).create(remix);
  const parentRemixCount = await room(ctx.env, id).countRemix();
  event.set({ newSessionId: remix.id, parentRemixCount, trackCount: remix.tracks.length, duration: event.elapsedMs() }).emit();
  return Response.json(remix, { status: 201 });
}

/** GET /api/sessions/:id/ws: hands the upgrade to the session's Durable Object. */
export async function connectSession(ctx: RouteContext, id: string): Promise<Response> {
  if (ctx.request.headers.get("upgrade")?.toLowerCase() !== "websocket")
    return Response.json({ error: "expected a WebSocket upgrade" }, { status: 426 });
  const headers = new Headers(ctx.request.headers);
  for (const [name, value] of Object.entries(correlationHeaders(ctx.correlation))) headers.set(name, value);
  if (ctx.colo) headers.set("x-colo", ctx.colo);
  const response = await room(ctx.env, id).fetch(new Request(ctx.request, { headers }));
  if (response.status === 101) return response;
  const { errorType } = (await response.json()) as { errorType: "session_not_found" | "session_full" };
  new WideEvent("error_ws_connection", ctx.correlation, {
    sessionId: id,
    playerId: new URL(ctx.request.url).searchParams.get("playerId") ?? undefined,
    errorType,
    errorMessage: errorType === "session_full" ? "the session has no free player slot" : "no session with this id",
    colo: ctx.colo,
  }).emit();
  return Response.json({ error: errorType }, { status: response.status });
}

async function readBody(ctx: RouteContext): Promise<(SessionInput & { source?: unknown }) | Response> {
  let body: unknown;
  try {
    body = ctx.request.headers.get("content-length") === "0" ? {} : await ctx.request.json();
  } catch {
    body = null;
  }
  const errors = typeof body === "object" && body !== null ? inputErrors(body as SessionInput) : ["body must be a JSON object"];
  if (errors.length === 0) return body as SessionInput;
  const url = new URL(ctx.request.url);
  new WideEvent("error_validation", ctx.correlation, { endpoint: url.pathname, method: ctx.request.method, errors, colo: ctx.colo }).emit();
  return Response.json({ errors }, { status: 400 });
}

/** Not in the catalog: an unknown name the tail worker archives without validating. */
function notFound(ctx: RouteContext, id: string): Response {
  new WideEvent("session_not_found", ctx.correlation, { sessionId: id, path: new URL(ctx.request.url).pathname, colo: ctx.colo })
    .fail("no session with this id")
    .emit();
  return Response.json({ error: "no session with this id" }, { status: 404 });
}
