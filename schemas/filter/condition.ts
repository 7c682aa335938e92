import * as v from "valibot";
import { WHOLE_EVENT } from "./field-path";

/**
 * One condition of the filter language: `{ field, op, value }`. /query's `where`, the archive
 * CLI's filters, tail sampling's anomalies, alerts and the live stream all take these, and
 * compile.ts gives them one meaning everywhere.
 */
export const OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "exists", "in", "glob"] as const;
export type Op = (typeof OPS)[number];

export interface Condition {
  field: string;
  op: Op;
  value?: unknown;
}

/** Most values one `in` takes. */
export const MAX_IN_VALUES = 1000;

export const FieldName = v.pipe(
  v.string('must be a field path such as "type" or "data.durationMs"'),
  v.minLength(1, "must not be empty"),
  v.maxLength(200, "must be at most 200 characters"),
  v.regex(/^[^.\s]+(\.[^.\s]+)*$/, 'must be a dot path such as "data.durationMs": no spaces, no empty segments'),
);

export const ConditionSchema = v.pipe(
  v.strictObject({ field: FieldName, op: v.picklist(OPS, `must be one of ${OPS.join(", ")}`), value: v.optional(v.unknown()) }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { field, op, value } = dataset.value;
    const fail = (message: string, key = "value") =>
      addIssue({ message, path: [{ type: "object", origin: "value", input: dataset.value, key, value }] });
    if (field === WHOLE_EVENT && op !== "contains") fail(`the whole event ("${WHOLE_EVENT}") takes only op "contains"`, "op");
    else if (op === "exists") {
      if (value !== undefined && typeof value !== "boolean") fail("exists takes true (the default) or false");
    } else if (value === undefined) fail(`op "${op}" needs a value`);
    else if (op === "in") {
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES)
        fail(`op "in" takes an array of 1 to ${MAX_IN_VALUES.toLocaleString("en-US")} values`);
    } else if (["gt", "gte", "lt", "lte"].includes(op)) {
      if (typeof value !== "number" && typeof value !== "string") fail(`op "${op}" compares with a number or a string`);
    } else if (op === "glob") {
      if (typeof value !== "string") fail('op "glob" takes a string pattern such as "ws_*"');
    } else if (op === "contains" && typeof value === "object" && value !== null) fail('op "contains" takes a string, number or boolean');
  }),
);

export const WhereSchema = (max: number) =>
  v.pipe(v.array(ConditionSchema, "must be an array of conditions"), v.maxLength(max, `at most ${max} conditions`));

/** Fields to group by (/query's groupBy, an alert rule's groupBy). */
export const GroupBySchema = (max: number) =>
  v.pipe(v.array(FieldName, "must be an array of field paths"), v.maxLength(max, `at most ${max} fields`));
