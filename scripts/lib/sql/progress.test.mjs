import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatBytes, progressBar } from "./progress.mjs";

const stream = (isTTY) => {
  const out = { isTTY, text: "" };
  out.write = (chunk) => {
    out.text += chunk;
    return true;
  };
  return out;
};

describe("the mirror's progress bar", () => {
  it("redraws one line on a terminal and ends it with the final count", () => {
    const tty = stream(true);
    const bar = progressBar(tty);
    bar.update({ done: 0, total: 3, bytes: 0 });
    bar.update({ done: 3, total: 3, bytes: 2048 });
    bar.end();
    assert.match(tty.text, /^\rmirroring \[\.{24}\] 0\/3 objects, 0 B/);
    assert.ok(tty.text.endsWith("\rmirroring [########################] 3/3 objects, 2.0 KiB\x1b[K\n"));
    assert.equal(tty.text.split("\n").length, 2, "one line, redrawn in place");
  });

  it("writes nothing when stderr is not a terminal, or when nothing is downloaded", () => {
    const pipe = stream(false);
    const quiet = progressBar(pipe);
    quiet.update({ done: 1, total: 1, bytes: 10 });
    quiet.end();
    assert.equal(pipe.text, "");
    const tty = stream(true);
    const idle = progressBar(tty);
    idle.update({ done: 0, total: 0, bytes: 0 });
    idle.end();
    assert.equal(tty.text, "");
  });

  it("sizes in B, KiB, MiB and GiB", () => {
    assert.deepEqual([5, 1536, 3 * 1024 ** 2, 1.5 * 1024 ** 3].map(formatBytes), ["5 B", "1.5 KiB", "3.0 MiB", "1.50 GiB"]);
  });
});
