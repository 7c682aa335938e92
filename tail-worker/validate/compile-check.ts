/**
 * Compiles a catalog schema into a plain predicate that says "valid" in a fraction of valibot's
 * time, for the schema kinds the catalogs use. It is conservative: it answers true only where
 * valibot would accept the value too, and false whenever in doubt, so validateEvent can fall back
 * to valibot for the issues. A schema with a kind it does not know (or a pipe) gets no predicate.
 */
export type Check = (value: unknown) => boolean;

interface SchemaLike {
  type: string;
  pipe?: unknown[];
  wrapped?: SchemaLike;
  literal?: unknown;
  options?: unknown[];
  entries?: Record<string, SchemaLike>;
  item?: SchemaLike;
  key?: SchemaLike;
  value?: SchemaLike;
}

const compiled = new WeakMap<object, Check | null>();

export function compileCheck(schema: object): Check | null {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema as SchemaLike);
    compiled.set(schema, check);
  }
  return check;
}

function compile(schema: SchemaLike): Check | null {
  // A pipe's actions (minValue, regex, …) are not read here: leave those schemas to valibot.
  if (schema.pipe !== undefined && schema.pipe.length > 1) return null;
  switch (schema.type) {
    case "string":
      return (value) => typeof value === "string";
    case "number":
      return (value) => typeof value === "number" && !Number.isNaN(value);
    case "boolean":
      return (value) => typeof value === "boolean";
    case "unknown":
    case "any":
      return () => true;
    case "literal":
      return (value) => value === schema.literal;
    case "picklist": {
      const options = schema.options ?? [];
      return (value) => options.includes(value);
    }
    case "optional":
    case "nullable":
    case "nullish":
      return wrappedCheck(schema);
    case "array": {
      const item = schema.item && compile(schema.item);
      return item ? (value) => Array.isArray(value) && value.every(item) : null;
    }
    case "union": {
      const options = (schema.options ?? []).map((option) => compile(option as SchemaLike));
      if (options.some((option) => option === null)) return null;
      return (value) => (options as Check[]).some((check) => check(value));
    }
    case "object":
    case "loose_object":
      return objectCheck(schema.entries ?? {});
    case "record": {
      const key = schema.key && compile(schema.key);
      const value = schema.value && compile(schema.value);
      if (!key || !value) return null;
      return (input) => {
        if (input === null || typeof input !== "object" || Array.isArray(input)) return false;
        const record = input as Record<string, unknown>;
        for (const k in record) if (Object.hasOwn(record, k) && !(key(k) && value(record[k]))) return false;
        return true;
      };
    }
    default:
      return null;
  }
}

function wrappedCheck(schema: SchemaLike): Check | null {
  const inner = schema.wrapped && compile(schema.wrapped);
  if (!inner) return null;
  const allowsUndefined = schema.type !== "nullable";
  const allowsNull = schema.type !== "optional";
  // The usual optional field, checked in one step rather than through its inner check.
  if (schema.type === "optional" && (schema.wrapped!.pipe === undefined || schema.wrapped!.pipe.length <= 1)) {
    switch (schema.wrapped!.type) {
      case "string":
        return (value) => value === undefined || typeof value === "string";
      case "number":
        return (value) => value === undefined || (typeof value === "number" && !Number.isNaN(value));
      case "boolean":
        return (value) => value === undefined || typeof value === "boolean";
    }
  }
  return (value) => (value === undefined ? allowsUndefined : value === null ? allowsNull || inner(value) : inner(value));
}

/** Entry kinds valibot's object schemas let be missing; any other entry's key must be there. */
const MAY_BE_MISSING = new Set(["optional", "exact_optional", "nullish"]);

function objectCheck(entries: Record<string, SchemaLike>): Check | null {
  const fields = new Map<string, { check: Check; required: boolean }>();
  let requiredCount = 0;
  for (const [key, entry] of Object.entries(entries)) {
    // valibot reads a key Object.prototype also has ("toString") from any object: left to it.
    if (key in Object.prototype) return null;
    const check = compile(entry);
    if (!check) return null;
    const required = !MAY_BE_MISSING.has(entry.type);
    fields.set(key, { check, required });
    if (required) requiredCount++;
  }
  // The value's own keys are walked rather than the schema's looked up one by one: for-in reads
  // each value from the object's enum cache, where a lookup by name goes through the megamorphic
  // cache of every shape the tail path meets.
  return (value) => {
    if (value === null || typeof value !== "object") return false;
    const record = value as Record<string, unknown>;
    let requiredSeen = 0;
    for (const key in record) {
      const field = fields.get(key);
      if (field === undefined) continue;
      if (!field.check(record[key])) return false;
      if (field.required) requiredSeen++;
    }
    return requiredSeen === requiredCount;
  };
}
