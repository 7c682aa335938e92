import type { BasinOutboxTable, SpilledBatch } from "../store/basin-outbox-table";
import type { BasinState, PendingObject } from "./basin-state";

export interface OutboxLimits {
  /** Objects kept in the state row (free to save: the row is written by every flush anyway). */
  inState: number;
  /** Objects per row when the state row's list spills into the table. */
  spillBatch: number;
  /** Spilled rows kept at most; past it the oldest is dropped, counted and named. */
  maxSpilledRows: number;
}

/** The oldest object still to send, where it is, and how many of its events were sent. */
export interface OutboxHead {
  row: number | null;
  index: number;
  key: string;
  events: number;
  sent: number;
}

/**
 * The archive objects still to send to Basin, oldest first: spilled rows of the basin_outbox table,
 * then the state row's `pending` list. Adding happens inside the flush commit's transaction (the
 * list is saved with the commit; a spill or a drop is written in it too), so an object is queued
 * exactly when it is archived: a flush replayed after a crash before its commit queues it once.
 * Bounded: past `maxSpilledRows` the oldest row is dropped, its events counted as dropped
 * (outboxFull) and its keys named in lastDrop and the log.
 */
export class Outbox {
  /** The oldest spilled row as last read: undefined when the table is empty, null when not read yet. */
  private spilledHead: SpilledBatch | undefined | null = null;

  constructor(
    private readonly table: BasinOutboxTable,
    private readonly state: BasinState,
    private readonly limits: () => OutboxLimits,
  ) {}

  /** Queues archived objects; call inside the transaction that saves the state. */
  add(objects: readonly PendingObject[]): void {
    const { state } = this;
    state.pending.push(...objects);
    const { inState, spillBatch, maxSpilledRows } = this.limits();
    if (state.pending.length <= inState) return;
    while (state.pending.length > inState) {
      const headWasPending = this.oldestSpilled() === undefined;
      const seq = this.table.append(state.pending.splice(0, spillBatch));
      // The spilled objects keep their place at the front, and delivery its progress in them.
      if (headWasPending && state.cursor.row === null) state.cursor.row = seq;
      this.spilledHead = null;
    }
    while (this.table.totals().rows > maxSpilledRows) this.dropOldestRow();
  }

  /** The oldest object still to send, or undefined when everything is sent. */
  head(): OutboxHead | undefined {
    const { cursor, pending } = this.state;
    const spilled = this.oldestSpilled();
    const row = spilled?.seq ?? null;
    // A cursor into a row that is gone (dropped, or lost with a restart) starts the new head afresh.
    if (cursor.row !== row) Object.assign(cursor, { row, objects: 0, events: 0 });
    const objects = spilled ? spilled.objects : pending;
    const object = objects[cursor.objects];
    if (!object) return undefined;
    return { row, index: cursor.objects, key: object[0], events: object[1], sent: cursor.events };
  }

  /** Records that the first `sent` events of `head` are sent; false when it is no longer the head. */
  progress(head: OutboxHead, sent: number): boolean {
    if (!this.isHead(head)) return false;
    this.state.cursor.events = sent;
    return true;
  }

  /**
   * `head` is sent whole. Answers true when that emptied a spilled row, which is then deleted: the
   * caller saves the state in the same transaction, so the cursor never points into the next row.
   */
  finish(head: OutboxHead): boolean {
    if (!this.isHead(head)) return false;
    const { cursor, pending } = this.state;
    if (head.row === null) {
      pending.shift();
      cursor.events = 0;
      return false;
    }
    cursor.objects++;
    cursor.events = 0;
    if (cursor.objects < this.oldestSpilled()!.objects.length) return false;
    this.table.delete(head.row);
    this.spilledHead = null;
    Object.assign(cursor, { row: null, objects: 0, events: 0 });
    return true;
  }

  /** Objects and events still to send. */
  totals(): { objects: number; events: number } {
    const spilled = this.table.totals();
    let objects = spilled.objects + this.state.pending.length;
    let events = spilled.events + this.state.pending.reduce((sum, [, n]) => sum + n, 0);
    const head = this.head();
    if (head) {
      const done = head.row === null ? [] : this.oldestSpilled()!.objects.slice(0, head.index);
      objects -= done.length;
      events -= done.reduce((sum, [, n]) => sum + n, 0) + head.sent;
    }
    return { objects, events: Math.max(0, events) };
  }

  private isHead(head: OutboxHead): boolean {
    const current = this.head();
    return current !== undefined && current.row === head.row && current.index === head.index && current.key === head.key;
  }

  private oldestSpilled(): SpilledBatch | undefined {
    if (this.spilledHead === null) this.spilledHead = this.table.oldest();
    return this.spilledHead;
  }

  private dropOldestRow(): void {
    const oldest = this.oldestSpilled()!;
    const { cursor, counts } = this.state;
    const done = cursor.row === oldest.seq ? oldest.objects.slice(0, cursor.objects).reduce((sum, [, n]) => sum + n, 0) + cursor.events : 0;
    const events = oldest.events - done;
    this.table.delete(oldest.seq);
    this.spilledHead = null;
    counts.dropped.outboxFull += events;
    const message = `Basin outbox full: ${events} events of ${oldest.objects.length} archive objects not sent, ${oldest.objects[0]![0]} … ${oldest.objects.at(-1)![0]}`;
    counts.lastDrop = { at: Date.now(), message };
    console.error(message);
  }
}
