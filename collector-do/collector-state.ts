import type { ArchivedHours } from "../schemas/collector-rpc";
import type { Importance } from "../schemas/importance";
import type { BasinState } from "./basin/basin-state";
import type { Counters } from "./counters";
import { emptyCounters } from "./counters";
import { RollupBook, type SavedRollups } from "./rollups/rollup-book";
import type { UnreportedShed } from "./shed-report";

/** Per importance, the last buffer seq whose events of that importance are archived. */
export type Watermarks = Record<Importance, number>;

/**
 * The buffered events one archive object holds: of one importance, those in rows with seq in
 * (after, through] whose first partition time lies in [from, to) (one UTC hour; one UTC day for
 * plans recorded before hours bounded objects).
 */
export interface ObjectSelection {
  after: number;
  through: number;
  from: number;
  to: number;
}

export interface PlannedObject extends ObjectSelection {
  key: string;
}

/** A flush of one importance, recorded before anything is written so that a retry reuses its keys. */
export interface FlushPlan {
  /** The flush archives every event of the importance in rows up to this seq. */
  upTo: number;
  objects: PlannedObject[];
}

/**
 * What the collector persists besides its buffer, in one row so that a flush costs few row
 * writes: per-importance flush watermarks, flushes under way, and the counters as of buffer seq
 * `countersSeq` (later rows carry their own counts).
 */
export interface CollectorState {
  watermarks: Watermarks;
  countersSeq: number;
  counters: Counters;
  unreportedShed: UnreportedShed | null;
  plans: Partial<Record<Importance, FlushPlan>>;
  /** Delivery to Basin (collector-do/basin/); absent in state saved before it existed. */
  basin?: BasinState;
  /** Rollups of the hours being archived into (saved as SavedRollups). */
  rollups: RollupBook;
  /** The hours flush commits archived into lately (archived-hours.ts); absent in state saved before it existed. */
  archivedHours: ArchivedHours;
}

export function emptyState(): CollectorState {
  return {
    watermarks: { 0: 0, 1: 0, 2: 0, 3: 0 },
    countersSeq: 0,
    counters: emptyCounters(),
    unreportedShed: null,
    plans: {},
    rollups: RollupBook.fresh(0),
    archivedHours: { hours: [] },
  };
}

/**
 * A saved state, older shapes included (counters added since default to zero). A state saved
 * before collectors kept rollups belongs to a collector that has archived without them: its
 * rollups are complete only for hours from `now` on.
 */
export function parseState(json: string | null, now: number = Date.now()): CollectorState {
  if (json === null) return emptyState();
  const saved = JSON.parse(json) as Partial<Omit<CollectorState, "rollups">> & { rollups?: SavedRollups };
  return {
    ...emptyState(),
    ...saved,
    counters: { ...emptyCounters(), ...saved.counters },
    unreportedShed: saved.unreportedShed ?? null,
    plans: saved.plans ?? {},
    rollups: saved.rollups ? RollupBook.fromSaved(saved.rollups, now) : RollupBook.fresh(now),
  };
}
