import { createHash } from "node:crypto";
import { createServer } from "node:http";

/**
 * A stand-in do-tail for the live CLI's tests (`npm run test:cli`): POST /live/ticket answers a
 * fresh ticket each time, GET /live speaks just enough WebSocket (RFC 6455: text, close and ping
 * frames; client frames masked) for one test to script the server's side. Each connection is
 * handed to `onConnection({ protocols, send, close, drop, messages, next })`.
 */
export async function liveStandIn({ onConnection, ticketStatus = 200 }) {
  const tickets = [];
  const server = createServer((request, response) => {
    if (request.method === "POST" && request.url === "/live/ticket") {
      const ticket = `t${tickets.length + 1}`;
      tickets.push({ ticket, authorization: request.headers.authorization });
      response.writeHead(ticketStatus, { "content-type": "application/json" });
      const body = ticketStatus === 200 ? { ticket, protocols: ["do-tail.live.v1", `ticket.${ticket}`] } : { error: { message: "no" } };
      return response.end(JSON.stringify(body));
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end('{"error":{"message":"no route"}}');
  });
  const sockets = new Set();
  server.on("upgrade", (request, socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    // A client that exits right after its close frame resets the connection: that is its end, not an error.
    socket.on("error", () => {});
    const accept = createHash("sha1")
      .update(`${request.headers["sec-websocket-key"]}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest("base64");
    const protocols = (request.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${protocols.includes("do-tail.live.v1") ? "Sec-WebSocket-Protocol: do-tail.live.v1\r\n" : ""}\r\n`,
    );
    const messages = [];
    const waiters = [];
    let closeCode;
    const frame = (opcode, payload) => {
      const length = payload.length;
      const header = length < 126 ? Buffer.from([0x80 | opcode, length]) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
      if (length >= 126) {
        header[0] = 0x80 | opcode;
        if (length < 65536) {
          header[1] = 126;
          header.writeUInt16BE(length, 2);
        } else {
          header[1] = 127;
          header.writeBigUInt64BE(BigInt(length), 2);
        }
      }
      socket.write(Buffer.concat([header, payload]));
    };
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (pending.length < 2) return;
        const opcode = pending[0] & 0x0f;
        let length = pending[1] & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (pending.length < 4) return;
          length = pending.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (pending.length < 10) return;
          length = Number(pending.readBigUInt64BE(2));
          offset = 10;
        }
        if (pending.length < offset + 4 + length) return;
        const mask = pending.subarray(offset, offset + 4);
        const payload = Buffer.from(pending.subarray(offset + 4, offset + 4 + length).map((b, i) => b ^ mask[i % 4]));
        pending = pending.subarray(offset + 4 + length);
        if (opcode === 1) {
          messages.push(JSON.parse(payload.toString("utf8")));
          for (const waiter of waiters.splice(0)) waiter();
        } else if (opcode === 8) {
          closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          for (const waiter of waiters.splice(0)) waiter();
          frame(8, payload.subarray(0, 2));
          socket.end();
        } else if (opcode === 9) frame(10, payload);
      }
    });
    const connection = {
      protocols,
      messages,
      get closeCode() {
        return closeCode;
      },
      send: (message) => frame(1, Buffer.from(JSON.stringify(message))),
      close: (code = 1000) => {
        const payload = Buffer.alloc(2);
        payload.writeUInt16BE(code);
        frame(8, payload);
      },
      /** Ends the TCP connection without a close frame, as a restarting server would. */
      drop: () => socket.destroy(),
      /** Resolves once `test(messages)` holds (or the client closed). */
      until: (test) =>
        new Promise((resolve) => {
          const check = () => (test(messages) || closeCode !== undefined ? resolve(messages) : waiters.push(check));
          check();
        }),
    };
    onConnection(connection);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    tickets,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(resolve);
      }),
  };
}
