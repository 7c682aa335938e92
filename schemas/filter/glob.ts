/**
 * `*` globs, as in importance rules, `--type` and the `glob` filter operator: `*` matches any run
 * of characters (none included), everything else matches itself, case-insensitively.
 */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "is");
}
