// Types of seeded-random.mjs for the workerd tests that use it.
export function seededRandom(seed: number): () => number;
