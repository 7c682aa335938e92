import { utcHourStart } from "../schemas/archive/partition";
import type { IngestBatch, IngestResult, ShedReason, WireEvent } from "../schemas/collector-rpc";
import type { Config } from "../schemas/config/config";
import { IMPORTANCE_LEVELS, Importance } from "../schemas/importance";
import { addCounts } from "../schemas/lib/bounded-counts";
import { type BufferRow, buildBufferRows, countsOnlyRow, type RowTally } from "./buffer-rows";
import type { CollectorState } from "./collector-state";
import { countReceived } from "./counters";
import { DEDUPE_WINDOW_MS, type DedupeWindow } from "./dedupe-window";
import { addShed, applyBufferCaps } from "./overflow";
import { noteShed } from "./shed-report";
import type { UnflushedTotals } from "./store/buffer-table";
import type { CollectorStore } from "./store/collector-store";
import { acceptReport, acceptWireEvents } from "./wire-validation";

export interface BatchOutcome {
  result: IngestResult;
  /** The batch's events this shard had not seen: stored, or acknowledged and shed by overflow. */
  fresh: WireEvent[];
}

export interface IntakeDeps {
  store: CollectorStore;
  state: CollectorState;
  totals: Record<Importance, UnflushedTotals>;
  dedupe: DedupeWindow;
  config: () => Config;
  /** The buffer seq the next row gets; shared with the flusher, which reads the last one given. */
  seq: { next: number };
}

/**
 * Stores what ingest calls bring: drops ids already seen, applies the overflow caps, and writes
 * what is kept, all in one transaction, as one buffer row per UTC hour for a whole group of
 * calls. The row also carries the group's counts and the ids of events overflow shed, so that
 * counters and the deduplication window come back after a restart. On any failure nothing is
 * written and memory is as before: the calls are not acknowledged and their retries start clean.
 */
export class Intake {
  constructor(private readonly deps: IntakeDeps) {}

  /** `alsoInTransaction` runs after the rows are written, inside the same transaction. */
  commit(batches: readonly IngestBatch[], now: number, alsoInTransaction?: () => void): BatchOutcome[] {
    const { state, totals, seq } = this.deps;
    // Analytics counts are left out: sinks keep updating that object while their sends run.
    const { analytics: _, ...counters } = state.counters;
    const before = structuredClone({ counters, unreportedShed: state.unreportedShed, totals, next: seq.next });
    let written: { outcomes: BatchOutcome[]; ids: string[] };
    try {
      written = this.deps.store.transaction(() => {
        const group = this.write(batches, now);
        alsoInTransaction?.();
        return group;
      });
    } catch (error) {
      Object.assign(state.counters, before.counters);
      state.unreportedShed = before.unreportedShed;
      Object.assign(totals, before.totals);
      seq.next = before.next;
      throw error;
    }
    this.deps.dedupe.add(written.ids, now);
    return written.outcomes;
  }

  private write(batches: readonly IngestBatch[], now: number): { outcomes: BatchOutcome[]; ids: string[] } {
    const { state, totals, dedupe, config } = this.deps;
    const tally: RowTally = { text: 0, namespaces: {} };
    const seen = new Set<string>();
    const kept: WireEvent[] = [];
    const shedIds: string[] = [];
    const pending: Record<Importance, number> = { 0: 0, 1: 0, 2: 0, 3: 0 };
    const outcomes: BatchOutcome[] = [];
    let roomMade = false;

    for (const batch of batches) {
      const { events, rejected } = acceptWireEvents(batch);
      const fresh = events.filter((event) => !dedupe.has(event.id) && !seen.has(event.id) && seen.add(event.id));
      const view = withPending(totals, pending);
      const caps = applyBufferCaps(fresh, view, config().bufferCaps);
      let shed = 0;
      for (const level of IMPORTANCE_LEVELS) shed += countShed(tally, "over_buffer_cap", level, caps.shed[level]);
      if (caps.shed[Importance.NORMAL] + caps.shed[Importance.LOW] > 0) {
        const keptIds = new Set(caps.kept.map((e) => e.id));
        for (const event of fresh) if (!keptIds.has(event.id)) shedIds.push(event.id);
      }
      if (caps.roomNeeded > 0) {
        shed += this.makeRoom(caps.roomNeeded, kept, pending, shedIds, tally);
        roomMade = true;
      }
      for (const event of caps.kept) pending[event.importance] += event.json.length;
      kept.push(...caps.kept);
      // A batch whose events were all stored before is a retry (its first answer was lost): its
      // report was counted with them.
      const report = events.length > 0 && fresh.length === 0 ? {} : acceptReport(batch);
      tally.undelivered = (tally.undelivered ?? 0) + (report.undelivered ?? 0);
      if (report.sampledOut) addCounts((tally.sampledOut ??= {}), report.sampledOut);
      tally.duplicates = (tally.duplicates ?? 0) + events.length - fresh.length;
      tally.rejected = (tally.rejected ?? 0) + rejected;
      outcomes.push({ result: { accepted: caps.kept.length, duplicates: events.length - fresh.length, shed }, fresh });
    }

    const rows = buildBufferRows(
      kept.filter((event) => event !== SHED),
      now,
    );
    if (rows.length === 0 && shedIds.length > 0) rows.push(countsOnlyRow(utcHourStart(now)));
    const ids = rows.flatMap((row) => row.ids).concat(shedIds);
    if (rows.length === 0) {
      countReceived(state.counters, { 0: 0, 1: 0, 2: 0, 3: 0 }, tally);
      state.unreportedShed = noteShed(state.unreportedShed, tally.shed, now);
      return { outcomes, ids };
    }
    rows[0]!.ids.push(...shedIds);
    rows[0]!.tally = mergeTallies(rows[0]!.tally, tally);
    this.deps.store.buffer.write(rows, now, this.deps.seq.next, { watermarks: state.watermarks, expiredBy: now - DEDUPE_WINDOW_MS });
    this.deps.seq.next += rows.length;
    this.count(rows, now);
    // Room was made by emptying slices of stored rows, whose counts restore would no longer see.
    if (roomMade) this.deps.store.saveState(state, this.deps.seq.next - 1);
    return { outcomes, ids };
  }

  private count(rows: readonly BufferRow[], now: number): void {
    const { state, totals } = this.deps;
    for (const row of rows) {
      const perImportance = { 0: 0, 1: 0, 2: 0, 3: 0 } as Record<Importance, number>;
      for (const level of IMPORTANCE_LEVELS) {
        const slice = row.slices[level];
        perImportance[level] = slice.events;
        if (slice.events === 0) continue;
        totals[level].events += slice.events;
        totals[level].bytes += slice.bytes;
        totals[level].oldestReceivedAt ??= now;
      }
      countReceived(state.counters, perImportance, row.tally);
      state.unreportedShed = noteShed(state.unreportedShed, row.tally.shed, now);
    }
  }

  /**
   * Sheds buffered LOW, then NORMAL, events, oldest first, to fit CRITICAL/HIGH past their cap:
   * stored ones (never those a flush under way covers) before those of this group not yet stored.
   */
  private makeRoom(bytes: number, kept: WireEvent[], pending: Record<Importance, number>, shedIds: string[], tally: RowTally): number {
    const { store, state, totals } = this.deps;
    let remaining = bytes;
    let shed = 0;
    for (const level of [Importance.LOW, Importance.NORMAL]) {
      if (remaining <= 0) break;
      const after = Math.max(state.watermarks[level], state.plans[level]?.upTo ?? 0);
      const freed = store.buffer.shedOldest(level, remaining, after);
      remaining -= freed.bytes;
      shed += countShed(tally, "room_for_critical_high", level, freed.events);
      totals[level] = store.buffer.totals(level, state.watermarks[level]);
      let dropped = 0;
      for (let i = 0; i < kept.length && remaining > 0; i++) {
        const event = kept[i]!;
        if (event === SHED || event.importance !== level) continue;
        remaining -= event.json.length;
        pending[level] -= event.json.length;
        shedIds.push(event.id);
        kept[i] = SHED;
        dropped++;
      }
      shed += countShed(tally, "room_for_critical_high", level, dropped);
    }
    return shed;
  }
}

/** Marks a kept event of the group that room-making shed before the group was stored. */
const SHED = { id: "" } as WireEvent;

function countShed(tally: RowTally, reason: ShedReason, level: Importance, count: number): number {
  if (count <= 0) return 0;
  addShed((tally.shed ??= {}), reason, level, count);
  return count;
}

function withPending(
  totals: Record<Importance, UnflushedTotals>,
  pending: Record<Importance, number>,
): Record<Importance, UnflushedTotals> {
  const view = {} as Record<Importance, UnflushedTotals>;
  for (const level of IMPORTANCE_LEVELS) view[level] = { ...totals[level], bytes: totals[level].bytes + pending[level] };
  return view;
}

/** The first row's own counts (text, namespaces, validation) with the group's (reports, duplicates, shed). */
function mergeTallies(row: RowTally, group: RowTally): RowTally {
  const merged: RowTally = { ...row };
  if (group.undelivered) merged.undelivered = group.undelivered;
  if (group.sampledOut) merged.sampledOut = group.sampledOut;
  if (group.duplicates) merged.duplicates = group.duplicates;
  if (group.rejected) merged.rejected = group.rejected;
  if (group.shed) merged.shed = group.shed;
  return merged;
}
