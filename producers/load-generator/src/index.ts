/**
 * GET /emit?run=R&seq=S&events=N logs N `load_test` events (run, seq, i) in one invocation: the
 * load driver knows exactly what should reach the archive and can count what is missing or doubled.
 */
const MAX_EVENTS = 1000;

export default {
  fetch(request: Request): Response {
    const url = new URL(request.url);
    if (url.pathname !== "/emit") return new Response("GET /emit?run=R&seq=S&events=N\n", { status: 404 });
    const run = url.searchParams.get("run") ?? "none";
    const seq = Number(url.searchParams.get("seq") ?? 0);
    const events = Math.min(Number(url.searchParams.get("events") ?? 10), MAX_EVENTS);
    for (let i = 0; i < events; i++) {
      console.log(JSON.stringify({ _event: "load_test", run, seq, i, payload: "p".repeat(64) }));
    }
    return Response.json({ run, seq, events });
  },
} satisfies ExportedHandler;
