import { api } from "../api.js";
import { byId, el } from "../dom.js";
import { clip, formatCount } from "../format.js";
import { panel } from "../panel.js";

/**
 * The Live panel: events as do-tail stores them, filtered by do-tail (GET /live, a WebSocket).
 * The filter box takes `type=ws_* importance=HIGH playerId=abc123` (terms of /query's where, plus
 * type, importance and script); the list keeps the last 200 events, newest first. Pause closes the
 * stream (do-tail then matches nothing for it); Resume opens a new one.
 */
export const KEEP = 200;
const SUBPROTOCOL = "do-tail.live.v1";
const ACK_EVERY_MS = 200;

export function createLive() {
  const view = panel("live-panel");
  const form = byId("live-form");
  const input = byId("live-filter");
  const pause = byId("live-pause");
  const list = el("ol", { class: "errors live-events", "aria-live": "off" });
  view.body.append(list);

  let ws = null;
  let paused = false;
  let failures = 0;
  let retry = null;
  let received = 0;
  let skipped = 0;
  let lastAck;
  let ackTimer = null;
  let ackedAt = 0;

  const setLive = (state) => {
    view.section.dataset.live = state;
    pause.textContent = state === "paused" ? "Resume" : "Pause";
    meta();
  };
  const meta = () => {
    const state = view.section.dataset.live;
    view.setMeta(`${state} · ${formatCount(received)} received${skipped > 0 ? ` · ${formatCount(skipped)} skipped` : ""}`);
  };

  async function connect() {
    retry = null;
    setLive("connecting");
    let ticket;
    try {
      ticket = await api("/live/ticket", { method: "POST" });
    } catch (error) {
      view.fail(error.message);
      // Without a token there is nothing to retry: Apply (or Resume) tries again once one is given.
      if (error.status === 401) return setLive("stopped");
      return reconnectLater();
    }
    if (paused) return;
    const url = new URL("/live", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url, ticket.protocols ?? [SUBPROTOCOL]);
    ws = socket;
    socket.addEventListener("open", () => subscribe());
    socket.addEventListener("message", (event) => {
      if (socket === ws) handle(JSON.parse(event.data));
    });
    socket.addEventListener("close", () => {
      if (socket !== ws) return;
      ws = null;
      if (!paused) reconnectLater();
    });
  }

  /** Jittered, doubling from 1 s up to 30 s: many open dashboards do not come back in lockstep. */
  function reconnectLater() {
    if (paused || retry !== null) return;
    failures++;
    setLive("reconnecting");
    retry = setTimeout(connect, Math.random() * Math.min(30_000, 1000 * 2 ** failures));
  }

  function subscribe() {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "subscribe", filter: input.value.trim() }));
  }

  function handle(message) {
    if (message.type === "subscribed") {
      failures = 0;
      view.section.dataset.state = "ready";
      view.section.querySelector(".panel-message").hidden = true;
      setLive("streaming");
    } else if (message.type === "events") {
      for (const event of message.events) add(eventRow(event));
      received += message.events.length;
      meta();
      acknowledge(message.ack);
    } else if (message.type === "skipped") {
      skipped += message.count;
      add(
        el(
          "li",
          { class: "live-skipped", dataset: { skipped: String(message.count) } },
          `${formatCount(message.count)} events skipped: the stream fell behind`,
        ),
      );
      meta();
    } else if (message.type === "error") {
      view.fail(`Filter refused: ${message.message}`);
    }
  }

  function add(row) {
    list.prepend(row);
    while (list.children.length > KEEP) list.lastElementChild.remove();
  }

  function acknowledge(ack) {
    lastAck = ack;
    if (ackTimer !== null) return;
    ackTimer = setTimeout(
      () => {
        ackTimer = null;
        if (ws?.readyState === WebSocket.OPEN && lastAck) ws.send(JSON.stringify({ type: "ack", ack: lastAck }));
        ackedAt = Date.now();
      },
      Math.max(0, ackedAt + ACK_EVERY_MS - Date.now()),
    );
  }

  function stop() {
    clearTimeout(retry);
    retry = null;
    const socket = ws;
    ws = null;
    socket?.close(1000, "paused");
  }

  pause.addEventListener("click", () => {
    paused = !paused;
    if (paused) {
      stop();
      setLive("paused");
    } else {
      failures = 0;
      void connect();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (paused) return;
    if (ws) subscribe();
    else void connect();
  });

  void connect();
}

/** One event as a row: time, script, importance badge with the type, and what it says. */
export function eventRow(event) {
  const when = new Date(event.timestamp);
  const time = Number.isNaN(when.getTime()) ? "–" : when.toISOString().slice(11, 23);
  return el(
    "li",
    { dataset: { id: event.id, type: event.type } },
    el("time", { class: "when", datetime: Number.isNaN(when.getTime()) ? undefined : when.toISOString() }, time),
    el("span", { class: "script", title: event.script ?? "no script name (local dev)" }, event.script ?? "–"),
    el(
      "span",
      { class: "message" },
      el("span", { class: "badge", dataset: { importance: String(event.importance) } }, event.type),
      " ",
      summary(event),
    ),
  );
}

/** The text of a text event, otherwise its fields as compact JSON, clipped. */
export function summary(event) {
  if (typeof event.text === "string") return clip(event.text, 300);
  const { _event, ...data } = event.data ?? {};
  return clip(JSON.stringify(data), 300);
}
