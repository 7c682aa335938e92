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
  done: Promise<void>;
  resolve: () => void;
  results?: R[];
  failure?: { error: unknown };
}

/**
 * Calls whose timer closes a group: its first and its second. A timer is costly in workerd
 * (measured: about 1 ms of the isolate's time per timer fired), so not every call gets one; two,
 * so that a first call whose request went away does not strand the rest.
 */
const TIMED_CALLS = 2;

/**
 * Group commit: calls that arrive within `lingerMs` of the first one are committed together by
 * one synchronous `commit`, and each call answers only once that commit has run (so, in a Durable
 * Object, once its output gate has the group's write). A call that arrives alone (no other call
 * under way) after a group that gathered nobody is committed at once: lingering would gather
 * nobody again (one caller sending one call after another) and only cost the wait. A group whose
 * timers did not fire is
 * committed by the next call to arrive. A commit that throws fails every call of the group, none
 * of which was acknowledged.
 */
export class GroupCommit<T, R> {
  private open: Group<T, R> | undefined;
  /** Calls in the last group committed: more than one means calls come together. */
  private lastSize = 0;
  /** Waits out the linger; tests replace it to hold a group open as long as they need. */
  wait: (ms: number) => Promise<void> = sleep;
  /** Lets a call that arrives alone wait for company too; tests set it to form groups on purpose. */
  lingerAlone = false;

  constructor(
    private readonly commit: (items: T[]) => R[],
    private readonly options: GroupOptions<T>,
  ) {}

  /** Calls waiting in the open group. */
  get waiting(): number {
    return this.open?.items.length ?? 0;
  }

  /** `alone`: no other call is under way, so none is likely to join within the linger. */
  async submit(item: T, alone = false): Promise<R> {
    if (this.open && Date.now() > this.open.deadline) this.close(this.open);
    const group = (this.open ??= this.newGroup());
    const index = group.items.push(item) - 1;
    group.size += this.options.sizeOf(item);
    const lone = alone && this.lastSize <= 1 && !this.lingerAlone && group.items.length === 1;
    if (lone || group.size >= this.options.maxSize) this.close(group);
    else if (group.items.length <= TIMED_CALLS) {
      void this.wait(Math.max(0, group.deadline - Date.now())).then(() => this.close(group));
    }
    await group.done;
    if (group.failure) throw group.failure.error;
    return group.results![index]!;
  }

  private newGroup(): Group<T, R> {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    return { items: [], size: 0, deadline: Date.now() + this.options.lingerMs, committed: false, done, resolve };
  }

  private close(group: Group<T, R>): void {
    if (group.committed) return;
    if (this.open === group) this.open = undefined;
    group.committed = true;
    this.lastSize = group.items.length;
    try {
      group.results = this.commit(group.items);
    } catch (error) {
      group.failure = { error };
    }
    group.resolve();
  }
}
