import { afterEach, describe, expect, it, vi } from "vitest";
import { GroupCommit } from "../collector-do/group-commit";

afterEach(() => {
  vi.useRealTimers();
});

/** A group commit of numbers whose commit records each group and answers each item doubled. */
function recorder(options: { maxSize?: number; fail?: (items: number[]) => boolean } = {}) {
  const groups: number[][] = [];
  const commit = new GroupCommit<number, number>(
    (items) => {
      if (options.fail?.(items)) throw new Error(`commit of ${items.join(",")} failed`);
      groups.push([...items]);
      return items.map((n) => n * 2);
    },
    { lingerMs: 40, maxSize: options.maxSize ?? 1000, sizeOf: (n) => n },
  );
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  commit.wait = () => gate;
  return { commit, groups, release };
}

describe("GroupCommit", () => {
  it("commits the calls that arrive while a group lingers together, answering each its own result", async () => {
    const { commit, groups, release } = recorder();
    const answers = [1, 2, 3].map((n) => commit.submit(n));
    expect(commit.waiting).toBe(3);
    expect(groups).toEqual([]);
    release();
    expect(await Promise.all(answers)).toEqual([2, 4, 6]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it("commits at once when a group reaches its size bound, and starts a new one after", async () => {
    const { commit, groups, release } = recorder({ maxSize: 10 });
    const first = [4, 6].map((n) => commit.submit(n));
    expect(await Promise.all(first)).toEqual([8, 12]);
    expect(groups).toEqual([[4, 6]]);
    const next = commit.submit(1);
    expect(commit.waiting).toBe(1);
    release();
    expect(await next).toBe(2);
  });

  it("fails every call of a group whose commit throws, and commits the next group normally", async () => {
    const { commit, groups, release } = recorder({ fail: (items) => items.includes(13) });
    const failing = [1, 13].map((n) => commit.submit(n).catch((error: unknown) => String(error)));
    release();
    expect(await Promise.all(failing)).toEqual(["Error: commit of 1,13 failed", "Error: commit of 1,13 failed"]);
    expect(await commit.submit(5)).toBe(10);
    expect(groups).toEqual([[5]]);
  });

  it("commits a group whose timers never fired when the next call arrives after its deadline", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.UTC(2030, 0, 1));
    const groups: number[][] = [];
    const commit = new GroupCommit<number, number>(
      (items) => {
        groups.push([...items]);
        return items;
      },
      { lingerMs: 40, maxSize: 1000, sizeOf: () => 1 },
    );
    commit.wait = () => new Promise<void>(() => undefined);
    const stranded = commit.submit(1);
    vi.setSystemTime(Date.UTC(2030, 0, 1) + 41);
    void commit.submit(2);
    expect(await stranded).toBe(1);
    expect(groups).toEqual([[1]]);
    expect(commit.waiting).toBe(1);
  });

  it("commits a call that arrives alone after a lone group at once; lingers while calls come together", async () => {
    const { commit, groups, release } = recorder();
    expect(await commit.submit(3, true)).toBe(6);
    expect(groups).toEqual([[3]]);
    // Another call under way: the group waits for company.
    const together = [commit.submit(1, false), commit.submit(2, true)];
    expect(commit.waiting).toBe(2);
    release();
    expect(await Promise.all(together)).toEqual([2, 4]);
    // The last group had company, so even a call arriving alone waits for more.
    const next = commit.submit(4, true);
    expect(commit.waiting).toBe(1);
    expect(await next).toBe(8);
    expect(groups).toEqual([[3], [1, 2], [4]]);
  });
});
