import { shortId } from "./client.mjs";
import { liveSession, scriptedPlayer, strayPlayer } from "./live-session.mjs";

/**
 * Once per run, before chance has its say: one request for every outcome the producers can be
 * asked for, so that even a short run archives every catalog's events, the deliberately invalid
 * ones included. The random scenarios then add volume and variety.
 */
export async function catalogTour(client, up) {
  if (up.includes("session-api")) await sessionTour(client);
  if (up.includes("code-runner")) await codeRunnerTour(client);
  if (up.includes("do-framework")) await frameworkTour(client);
  if (up.includes("uptime-monitor")) {
    await client.send("uptime-monitor", "POST", "/run");
    await client.send("uptime-monitor", "POST", "/run", { headers: { "x-simulate": "invalid" } });
  }
}

async function sessionTour(client) {
  const create = (body, headers = {}) => client.send("session-api", "POST", "/api/sessions", { body, headers });
  await create({}, { "x-simulate": "invalid" });
  await create({ tempo: 999 });
  await create({}, { "x-simulate": "quota" });
  const session = await create({ source: "import", tempo: 96, tracks: [{ id: "kick" }, { id: "snare" }] });
  if (!session?.id) return;
  const path = `/api/sessions/${session.id}`;
  await client.send("session-api", "GET", path, { label: "/api/sessions/:id" });
  await client.send("session-api", "PUT", path, {
    label: "/api/sessions/:id",
    body: { tracks: [{ id: "kick" }, { id: "kick" }, { id: "hat" }] },
  });
  const published = await client.send("session-api", "POST", `${path}/publish`, { label: "/api/sessions/:id/publish" });
  if (published?.id)
    await client.send("session-api", "PUT", `/api/sessions/${published.id}`, { label: "/api/sessions/:id", body: { tempo: 100 } });
  await client.send("session-api", "POST", `${path}/remix`, { label: "/api/sessions/:id/remix" });
  await client.send("session-api", "GET", `/api/sessions/gone${shortId()}`, { label: "/api/sessions/:id" });

  const toggles = Array.from({ length: 25 }, (_, step) => ({ type: "toggle_step", trackId: "kick", step: step % 16 }));
  await scriptedPlayer(client, session.id, [
    { type: "play" },
    ...toggles,
    { type: "ack", clientAck: 0 },
    { type: "state_hash", hash: "00000000" },
    { type: "request_snapshot" },
    { type: "clock_sync", rtt: 42, offset: -3 },
    { type: "toggle_step", trackId: "ghost", step: 1 },
    { type: "stop" },
  ]);
  await scriptedPlayer(client, session.id, [{ type: "set_tempo", tempo: 128 }], 4008);
  if (published?.id) await scriptedPlayer(client, published.id, [{ type: "set_tempo", tempo: 90 }], 4500);
  await liveSession(client, { crowd: true });
  await strayPlayer(client);
}

async function codeRunnerTour(client) {
  const files = [
    { path: "index.html", size: 2_000 },
    { path: "app.js.map", size: 900 },
  ];
  await client.send("code-runner", "POST", "/imports", { body: { userId: "user_tour", plan: "pro", files } });
  await client.send("code-runner", "POST", "/imports", { body: { userId: "user_tour", plan: "pro", files: [] } });
  const publish = (source, headers = {}) =>
    client.send("code-runner", "POST", "/capsules/cap_tour/publish", {
      label: "/capsules/:id/publish",
      body: { userId: "user_tour", files, source },
      headers,
    });
  await publish("<h1>hello</h1>");
  await publish("<h1>hello again</h1>", { "x-simulate": "fail" });
  await publish("eval(atob(payload))");
  for (const headers of [{}, { "x-simulate": "fail" }, { "x-simulate": "invalid" }]) {
    await client.send("code-runner", "POST", "/runs", { body: { capsuleId: "cap_tour", plan: "free", userId: "user_tour" }, headers });
  }
  await client.send("code-runner", "POST", "/runtime-events", {
    body: { event: "runtime_error", capsuleId: "cap_tour", code: "E_UNCAUGHT", message: "x is undefined", isError: true },
  });
  await client.send("code-runner", "POST", "/runtime-events", { body: { event: "runtime_ready", capsuleId: "cap_tour" } });
  await client.send("code-runner", "POST", "/waitlist", { body: { plan: "creator" } });
  await client.send("code-runner", "GET", "/do-status");
}

async function frameworkTour(client) {
  const agent = `/agents/agent-tour-${shortId()}`;
  const post = (action, headers = {}, body = {}) =>
    client.send("do-framework", "POST", `${agent}/${action}`, { label: `/agents/:id/${action}`, body, headers });
  for (const simulate of [undefined, "invalid", "fail", "unavailable"])
    await post("messages", simulate ? { "x-simulate": simulate } : {}, { text: "hello" });
  await post("workflows");
  await post("workflows", { "x-simulate": "fail" });
  await post("execute", {}, { language: "python" });
  await post("execute", { "x-simulate": "fail" }, { language: "sql" });
  await post("schedule");

  // A socket open while the agent hibernates: Connection.WebSocket.hibernated.
  if (client.budget.take()) {
    const ws = new WebSocket(client.url("do-framework", `${agent}/ws`, "ws"));
    const opened = await new Promise((resolve) => {
      ws.addEventListener("open", () => resolve(true), { once: true });
      ws.addEventListener("error", () => resolve(false), { once: true });
    });
    client.tally.count("do-framework WS connect", opened ? "open" : "refused");
    await post("hibernate");
    if (opened) ws.close(1000, "done");
  }
  await client.send("do-framework", "DELETE", agent, { label: "/agents/:id" });
  await client.send("do-framework", "POST", "/payments", { body: { amount: 19.99, currency: "usd" } });
  await client.send("do-framework", "POST", "/transfers", { body: { amount: 250, currency: "eur" } });
  for (const channel of ["email", "slack", "sms"]) await client.send("do-framework", "POST", "/notify", { body: { channel } });
  await client.send("do-framework", "POST", "/calls", { body: { seconds: 95 } });
}
