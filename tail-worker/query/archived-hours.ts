import type { ArchivedAt } from "../../schemas/archive/listing";
import type { ArchivedHours } from "../../schemas/collector-rpc";

/** When any collector last archived into an importance-hour, from every shard's answer (a listing skips its cached slices of those hours). */
export function archivedAtOf(answers: readonly (ArchivedHours | undefined)[]): ArchivedAt {
  const latest = new Map<string, number>();
  let others: number | undefined;
  for (const answer of answers) {
    // A collector of an earlier version (during a deploy) names none.
    if (answer === undefined) continue;
    for (const { importance, hourStart, at } of answer.hours) {
      const key = `${importance}/${hourStart}`;
      latest.set(key, Math.max(latest.get(key) ?? at, at));
    }
    if (answer.othersAt !== undefined) others = Math.max(others ?? answer.othersAt, answer.othersAt);
  }
  return (importance, hourStart) => {
    const named = latest.get(`${importance}/${hourStart}`);
    return named === undefined ? others : others === undefined ? named : Math.max(named, others);
  };
}
