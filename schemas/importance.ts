/** How much an event matters; lower is more important. Numbers are part of the R2 key layout. */
export const Importance = {
  CRITICAL: 0,
  HIGH: 1,
  NORMAL: 2,
  LOW: 3,
} as const;

export type Importance = (typeof Importance)[keyof typeof Importance];

export const IMPORTANCE_LEVELS: readonly Importance[] = [0, 1, 2, 3];

export const IMPORTANCE_NAMES: Record<Importance, keyof typeof Importance> = {
  0: "CRITICAL",
  1: "HIGH",
  2: "NORMAL",
  3: "LOW",
};

/** Accepts 0-3 (number or numeric string) or a level name in any case; anything else is undefined. */
export function toImportance(value: unknown): Importance | undefined {
  if (typeof value === "number") {
    return Number.isInteger(value) && value >= 0 && value <= 3 ? (value as Importance) : undefined;
  }
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  if (/^[0-3]$/.test(trimmed)) return Number(trimmed) as Importance;
  const upper = trimmed.toUpperCase();
  return upper in Importance ? Importance[upper as keyof typeof Importance] : undefined;
}
