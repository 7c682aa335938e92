/**
 * A local HTTP endpoint for ANALYTICS_ENDPOINT tests: a fetch handler the sink is pointed at. It
 * records every request body, answers with the statuses it is given (then 200), can throw like
 * a network failure, and notes whether each response body was read.
 */
export interface ReceivedRequest {
  method: string;
  url: string;
  contentType: string | null;
  body: unknown;
}

export interface LocalEndpoint {
  fetch: (request: Request) => Promise<Response>;
  received: ReceivedRequest[];
  /** One entry per response: true once the sink read it to the end. */
  bodiesRead: boolean[];
  /** Holds every answer until release() is called. */
  hold(): void;
  release(): void;
}

export function localEndpoint(answers: (number | "network-error")[] = []): LocalEndpoint {
  const received: ReceivedRequest[] = [];
  const bodiesRead: boolean[] = [];
  let gate: Promise<void> = Promise.resolve();
  let open = () => {};
  return {
    received,
    bodiesRead,
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
    },
    async fetch(request) {
      received.push({
        method: request.method,
        url: request.url,
        contentType: request.headers.get("content-type"),
        body: await request.json(),
      });
      await gate;
      const answer = answers.shift() ?? 200;
      if (answer === "network-error") throw new Error("connection refused");
      const index = bodiesRead.push(false) - 1;
      // highWaterMark 0: nothing is pulled until the sink reads the body.
      const body = new ReadableStream(
        {
          pull(controller) {
            controller.enqueue(new TextEncoder().encode(JSON.stringify({ status: answer })));
            controller.close();
            bodiesRead[index] = true;
          },
        },
        { highWaterMark: 0 },
      );
      return new Response(body, { status: answer });
    },
  };
}
