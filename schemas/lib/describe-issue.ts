import type * as v from "valibot";

/**
 * `aggregates[0].fn: must be one of …` from a valibot issue: its path, then its message (an
 * unknown key of a strict object says so). An issue of the whole input is `<root>: message`, or
 * the message alone without a root.
 */
export function describeIssue(issue: v.BaseIssue<unknown>, root?: string): string {
  let path = "";
  for (const item of issue.path ?? []) {
    const key = (item as { key?: unknown }).key;
    path += typeof key === "number" ? `[${key}]` : path === "" ? String(key) : `.${String(key)}`;
  }
  const message = issue.type === "strict_object" && issue.expected === "never" ? "unknown key" : issue.message;
  if (path !== "") return `${path}: ${message}`;
  return root === undefined ? message : `${root}: ${message}`;
}
