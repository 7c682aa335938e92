import { sleep } from "../schemas/lib/sleep";

export interface GroupOptions<T> {
  /** How long a group stays open for more calls after its first one arrives. */
  lingerMs: number;
  /** A group reaching this size is committed at once. */
  maxSize: number;
  sizeOf: (item: T) => number;
}

interface Group<T, R> {
  items: T[];
  size: number;
  deadline: number;
  committed: boolean;
  results?: R[];
  failure?: { error: unknown };
}

/**
 * Group commit: calls that arrive within `lingerMs` of each other are committed together by one
 * synchronous `commit`, and each call answers only once that commit has run (so, in a Durable
 * Object, once its output gate has the group's write). Every caller waits on its own timer rather
 * than on one leader's: a caller that goes away cannot strand the rest, and no answer depends on
 * a promise settled in another request's context. A commit that throws fails every call of the
 * group, none of which was acknowledged.
 */
export class GroupCommit<T, R> {
  private open: Group<T, R> | undefined;
  /** Waits out the linger; tests replace it to hold a group open as long as they need. */
  wait: (ms: number) => Promise<void> = sleep;

  constructor(
    private readonly commit: (items: T[]) => R[],
    private readonly options: GroupOptions<T>,
  ) {}

  /** Calls waiting in the open group. */
  get waiting(): number {
    return this.open?.items.length ?? 0;
  }

  async submit(item: T): Promise<R> {
    const group = (this.open ??= { items: [], size: 0, deadline: Date.now() + this.options.lingerMs, committed: false });
    const index = group.items.push(item) - 1;
    group.size += this.options.sizeOf(item);
    if (group.size < this.options.maxSize) await this.wait(Math.max(0, group.deadline - Date.now()));
    if (!group.committed) this.close(group);
    if (group.failure) throw group.failure.error;
    return group.results![index]!;
  }

  private close(group: Group<T, R>): void {
    if (this.open === group) this.open = undefined;
    group.committed = true;
    try {
      group.results = this.commit(group.items);
    } catch (error) {
      group.failure = { error };
    }
  }
}
