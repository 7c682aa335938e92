/** How to read the table: written under it on every run. */
export const BENCH_NOTES = `
## Reading the figures

- **Memory.** The RSS figures are the whole workerd process of the benchmark: the test harness, the
  local R2 and SQLite emulation and garbage not yet collected, not the collector's isolate alone.
  What shows that a flush streams is the comparison: flushing twice as much does not take twice the
  memory (the object is written in 8 MiB parts from one buffer, rows are read four at a time).
- **CPU.** The tail path is measured as deployed: \`bench/deployed-tail-path.mjs\` builds it into one
  bundle with the esbuild wrangler uses and wrangler's options, as \`wrangler deploy\` ships it. The
  same code loaded one module at a time, as the Vitest integration loads it, costs about a third more
  (its row in the table): there every use of an imported binding in a hot loop is read through its
  module (the redaction's verdict constants, moved to a file of their own, cost +0.23 µs an event
  that way), a cost no deployed Worker pays. Until 2026-11-30 the benchmark measured the modules
  (2.37× on that day). The tail path does more than the floor's parse and
  stringify: it builds the invocation record, redacts (a walk over every key, with a per-key verdict cache), classifies (memoised per
  kind, type and level), decides sampling, validates named events against their catalog schema (a
  compiled check; valibot only for invalid ones), copies producer values it cannot trust and counts
  the keys of each JSON line (so that a line with a duplicate key is never archived as is: its
  colons first, exactly only when its strings hold colons), and looks for secrets written into text
  (a JSON line only when one native search finds a mark of one). Splicing the producer's own JSON
  line into the archived event spares one stringify; lone surrogates are looked for in each part of
  the event where it is written, not in the joined event again. The benchmark calls the tail path
  once per invocation, as \`tail()\` is called deployed (one call for all 3,000 invocations kept
  30,000 events alive to its end, which cost a quarter of the time under Node 22's V8 12; under
  workerd's it made no difference). Where the rest goes, measured in workerd on 2026-11-30 by
  taking one step out at a time from the bundle (µs per event, of about 2.6; each within about
  0.04 of noise): JSON.parse of the lines about a quarter of the profile, as in the floor;
  redaction 0.87 (the JSON line's mark 0.17, the key walk of JSON lines 0.33, console text 0.10,
  the invocation record's URL, headers and \`cf\` 0.27); serialising data redaction changed (the
  invocation record, a session id's pseudonym) 0.27; validation 0.20; lookups by the event's type
  (its redacted name, namespace, importance memo, catalog schema, analytics mapping, sampling rate)
  about 0.05 each, now one lookup for all (\`tail-worker/type-facts.ts\`, −3 to −5%); printing
  the 0.2% of events that are CRITICAL 0.10, most of it the test harness's console capture. Writing
  the words of the secret marks' case-insensitive search as letter classes (\`[bB][eE]…\`, which
  matches the same without the \`i\` flag) took the JSON line's search from about 290 to 190 ns
  (−3%); the compiled catalog check walking the value's keys, and an invocation id written as one
  flat string, −1 to −3% each. Reaching 1.5× would take out most of what redaction and validation
  do, or request metadata (which Workers Logs, the alternative, records too): features, not
  overhead. At list prices the whole tail path costs about $0.00005 of CPU per million events.
- **Group commit.** bench/collector-concurrency.bench.ts sends ingest calls into one shard at a
  steady rate from the test isolate (open loop: each call leaves on time whether or not earlier ones
  were answered). Rows written are every change SQLite counts (\`total_changes()\`: buffer rows, the
  state row, the backoff row, the alarm, which is a row of the object's SQLite); DO requests are the
  ingest calls and the alarms. Calls arriving within the 40 ms linger share one row, so at a rate R a
  row holds about 1 + R × 0.04 calls when the machine keeps up. Rows of archived events are not
  deleted but overwritten a minute later by the next group (one row where deleting and inserting
  would be two), so a run's inserts stand for the overwrites of a busy shard; a shard that goes idle
  deletes its last minute of rows once. The floor the design sits on: one DO request per tail
  invocation ($0.015 per million events at 10 events per invocation, $0.075 at 2), plus per flush
  run two state-row writes and the alarm; the group's row is what the linger divides, and R2 Class A
  operations at the default thresholds (an object per importance and flush) come on top. When the
  shared machine cannot keep up with a rate (the table says so), calls queue, groups grow to their
  1.5 MB bound and the acknowledgement latency is the queue's: those rows do not show the linger.
- **Basin.** The 10-event mix at 500 calls a second runs a second time with a Basin stream bound
  (the locally no-op pipelines binding, wrapped to count sends and record bytes); the row compares it
  with the run without. Rows are compared without the groups' buffer rows, which only say how calls
  happened to group. Basin's own prices (the sink per GB, Basin SQL per GB scanned) come on top.
- **Timing** on a shared 2-core machine varies by about ±20% between runs; ratios are taken within
  one run on the same data.
`;
