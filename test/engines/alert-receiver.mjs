// Vitest global setup (runs in Node, outside workerd): a real HTTP receiver on loopback for alert
// notifications. Each hook name is a separate inbox, so tests do not see each other's requests.
//
// POST /hooks/<name>     a notification: recorded with its headers and body; the signature is
//                        checked here, in Node, with the secret the test configured
// POST /control/<name>   {secret?, answers?: [status | {status, headers}…], hold?: true, release?: true}:
//                        the answers given next, replacing any left (then 200); hold keeps answers back until release
// GET  /received/<name>  {requests: [{at, id, signature, status, body}]}; `status` is what was answered
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const inboxes = new Map();
const inbox = (name) => {
  let box = inboxes.get(name);
  if (!box) {
    box = { secret: undefined, answers: [], held: null, requests: [] };
    inboxes.set(name, box);
  }
  return box;
};

function checkSignature(secret, header, body) {
  if (secret === undefined) return "unchecked";
  if (header === undefined) return "missing";
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected) ? "valid" : "invalid";
}

const reply = (response, status, answer, headers = {}) => {
  response.writeHead(status, { ...headers, "content-type": "application/json" });
  response.end(JSON.stringify(answer));
};

async function handle(request, body, response) {
  const [, kind, name] = /^\/(hooks|control|received)\/([\w.-]+)$/.exec(request.url) ?? [];
  if (!kind) return reply(response, 404, { error: `no route ${request.url}` });
  const box = inbox(name);
  if (kind === "received") return reply(response, 200, { requests: box.requests });
  if (kind === "control") {
    const control = JSON.parse(body || "{}");
    if ("secret" in control) box.secret = control.secret;
    if (control.answers) box.answers = [...control.answers];
    if (control.hold && !box.held) {
      let release;
      box.held = { promise: new Promise((resolve) => (release = resolve)), release };
    }
    if (control.release && box.held) {
      box.held.release();
      box.held = null;
    }
    return reply(response, 200, { ok: true });
  }
  const record = {
    at: Date.now(),
    method: request.method,
    id: request.headers["x-do-tail-notification-id"] ?? null,
    signature: checkSignature(box.secret, request.headers["x-do-tail-signature"], body),
    contentType: request.headers["content-type"] ?? null,
    status: null,
    body,
  };
  box.requests.push(record);
  if (box.held) await box.held.promise;
  const answer = box.answers.shift() ?? 200;
  const { status, headers } = typeof answer === "number" ? { status: answer, headers: {} } : answer;
  record.status = status;
  reply(response, status, { received: record.id }, headers);
}

export default async function setup({ provide }) {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      handle(request, Buffer.concat(chunks).toString("utf8"), response).catch((error) => reply(response, 500, { error: String(error) }));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  provide("alertReceiverUrl", `http://127.0.0.1:${server.address().port}`);
  return async () => {
    for (const box of inboxes.values()) box.held?.release();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
}
