/**
 * The example producers imitate real services: they do not build, run or call anything, they draw
 * outcomes and timings from plausible distributions so that their events look like production's.
 */
export function chance(probability: number): boolean {
  return Math.random() < probability;
}

export function between(min: number, max: number): number {
  return Math.round(min + Math.random() * (max - min));
}

export function pick<T>(options: readonly T[]): T {
  return options[Math.floor(Math.random() * options.length)] as T;
}

/** A long-tailed duration: mostly near `typical`, now and then several times longer. */
export function latency(typical: number): number {
  return Math.round(typical * (0.5 + Math.random()) * (chance(0.05) ? between(3, 8) : 1));
}

export function shortId(prefix: string): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
}
