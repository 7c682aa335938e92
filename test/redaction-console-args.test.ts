import { describe, expect, it } from "vitest";
import { archivedEvents } from "./helpers/tail-path";
import { log, traceItem } from "./helpers/trace-items";

// console.log joins its arguments with spaces, and its format specifiers join them into the first:
// a secret's name and its value then stand side by side in the text, whatever came before them.

const SECRET = "Sx9secretVALUE77";

const CALLS: Record<string, unknown[]> = {
  "a name and a value": ["token", SECRET],
  "a word before the name": ["refreshing", "token", SECRET],
  "a name after a word in one argument": ["new token", SECRET],
  "an object before": [{ attempt: 1 }, "using token", SECRET],
  "a name after an even number of words": ["login", "alice", "token", SECRET],
  "a %s specifier": ["token %s", SECRET],
  "the name from a specifier too": ["%s %s", "token", SECRET],
  "a %o specifier with a string": ["token %o", SECRET],
  "a %d specifier": ["otp %d", 482913],
  "a name of two words": ["API key", SECRET],
};

describe("secrets passed as console arguments", () => {
  for (const [form, message] of Object.entries(CALLS)) {
    it(`redacts ${form}`, () => {
      const [, event] = archivedEvents(traceItem({ logs: [log("log", ...message)] }));
      const secret = String(message.at(-1));
      expect(JSON.stringify(event)).not.toContain(secret);
      expect(event!.text).toMatch(/\[REDACTED\]$/);
    });
  }

  it("keeps arguments that hold no secret as console prints them", () => {
    const [, first, second] = archivedEvents(
      traceItem({
        logs: [log("log", "user %s logged in after %d ms", "bob", 12), log("log", "the token expired after", 3600, "seconds")],
      }),
    );
    expect(first!.text).toBe("user bob logged in after 12 ms");
    expect(second!.text).toBe("the token expired after 3600 seconds");
    const [, cache] = archivedEvents(traceItem({ logs: [log("log", "cache key", "user42abc")] }));
    expect(cache!.text).toBe("cache key user42abc");
  });
});
