/** A shared step-sequencer session, as the session API stores it (one Durable Object per session). */
export interface Track {
  id: string;
  instrument: string;
  steps: boolean[];
}

export interface Session {
  id: string;
  tracks: Track[];
  tempo: number;
  swing: number;
  immutable: boolean;
  remixCount: number;
  remixedFrom: string | null;
  createdAt: number;
}

export const STEPS_PER_TRACK = 16;
export const MAX_PLAYERS = 6;

export interface SessionInput {
  tracks?: unknown;
  tempo?: unknown;
  swing?: unknown;
}

/** What is wrong with a create/update body, as the `errors` of an error_validation event. */
export function inputErrors(input: SessionInput): string[] {
  const errors: string[] = [];
  if (input.tempo !== undefined && (typeof input.tempo !== "number" || input.tempo < 40 || input.tempo > 300))
    errors.push("tempo must be a number from 40 to 300");
  if (input.swing !== undefined && (typeof input.swing !== "number" || input.swing < 0 || input.swing > 1))
    errors.push("swing must be a number from 0 to 1");
  if (input.tracks !== undefined && (!Array.isArray(input.tracks) || input.tracks.length > 16))
    errors.push("tracks must be an array of at most 16 tracks");
  return errors;
}

export function toTracks(value: unknown): Track[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw, i) => {
    const track = (typeof raw === "object" && raw !== null ? raw : {}) as Partial<Track>;
    const steps = Array.isArray(track.steps) ? track.steps.slice(0, STEPS_PER_TRACK).map(Boolean) : [];
    while (steps.length < STEPS_PER_TRACK) steps.push(false);
    return {
      id: typeof track.id === "string" ? track.id : `t${i}`,
      instrument: typeof track.instrument === "string" ? track.instrument : "kick",
      steps,
    };
  });
}

/** Duplicate track ids break step addressing: keeps the first of each id (an invariant repair). */
export function dedupeTracks(tracks: Track[]): { tracks: Track[]; removed: number } {
  const seen = new Set<string>();
  const kept = tracks.filter((track) => !seen.has(track.id) && seen.add(track.id));
  return { tracks: kept, removed: tracks.length - kept.length };
}

/** FNV-1a over the musical state: what clients compare to detect they drifted. */
export function stateHash(session: Pick<Session, "tracks" | "tempo" | "swing">): string {
  const text = JSON.stringify([session.tempo, session.swing, session.tracks.map((t) => [t.id, t.steps.map(Number).join("")])]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

export function newSessionId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 12);
}
