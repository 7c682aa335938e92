import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { EVENT_SCHEMAS } from "../schemas/catalog/registry";
import { compileCheck } from "../tail-worker/validate/compile-check";
import { doFrameworkSample, listedSamples } from "./helpers/catalog-samples";

// The compiled check stands in for valibot on the tail path: it may send a valid event on to
// valibot ("in doubt"), but must never pass one valibot refuses.

const ODD_VALUES: unknown[] = [undefined, null, "", "x", 0, -1.5, Number.NaN, true, false, {}, [], ["x"], { a: 1 }];

/** The sample, with each field missing, swapped for an odd value, and with odd fields added. */
function variants(sample: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [sample, {}, { ...sample, extra: "kept" }];
  for (const key of Object.keys(sample)) {
    const { [key]: _, ...without } = sample;
    out.push(without);
    for (const odd of ODD_VALUES) out.push({ ...sample, [key]: odd });
  }
  for (const key of ["toString", "constructor", "__proto__", "valueOf"])
    out.push(JSON.parse(`{${JSON.stringify(key)}:"x",${JSON.stringify(sample).slice(1)}`));
  return out;
}

const samples: [string, Record<string, unknown>][] = [
  ...listedSamples(),
  ...[...EVENT_SCHEMAS.keys()]
    .filter((name) => !listedSamples().some(([listed]) => listed === name))
    .map((name) => [name, doFrameworkSample(name)] as [string, Record<string, unknown>]),
];

describe("the compiled schema check", () => {
  it("passes every catalog sample, as valibot does", () => {
    const compiled = samples.filter(([name]) => compileCheck(EVENT_SCHEMAS.get(name)!) !== null);
    // Most schemas compile: the fast path is the usual one.
    expect(compiled.length).toBeGreaterThan(samples.length / 2);
    for (const [name, sample] of compiled) {
      expect(v.safeParse(EVENT_SCHEMAS.get(name)!, sample).success, name).toBe(true);
      expect(compileCheck(EVENT_SCHEMAS.get(name)!)!(sample), name).toBe(true);
    }
  });

  it("never passes a value valibot refuses: missing, odd and inherited fields", () => {
    let refused = 0;
    for (const [name, sample] of samples) {
      const schema = EVENT_SCHEMAS.get(name)!;
      const check = compileCheck(schema);
      if (check === null) continue;
      for (const value of [...variants(sample), null, "text", [sample]]) {
        const valid = v.safeParse(schema, value).success;
        if (!valid) refused++;
        if (check(value)) expect(valid, `${name}: ${JSON.stringify(value)}`).toBe(true);
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it("leaves to valibot an entry that may be missing yet is not optional, and a field every object inherits", () => {
    const unknownEntry = v.object({ id: v.string(), payload: v.unknown() });
    expect(v.safeParse(unknownEntry, { id: "a" }).success).toBe(false);
    expect(compileCheck(unknownEntry)!({ id: "a" })).toBe(false);
    expect(compileCheck(unknownEntry)!({ id: "a", payload: null })).toBe(true);
    const inherited = v.object({ toString: v.optional(v.string()) });
    expect(v.safeParse(inherited, {}).success).toBe(false);
    expect(compileCheck(inherited)).toBeNull();
  });
});
