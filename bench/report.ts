/** A figure for scripts/bench.mjs, which reads these lines from the benchmark's output. */
export function report(name: string, figures: Record<string, number | string>): void {
  console.log(`BENCH_RESULT ${JSON.stringify({ name, ...figures })}`);
}

/** Median of several timed runs of `fn`, in milliseconds. */
export function medianMs(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
