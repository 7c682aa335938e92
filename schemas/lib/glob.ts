/**
 * `*` globs as the importance rules and the live stream use them: `*` matches any run of
 * characters, everything else is literal, case-insensitive, anchored at both ends.
 */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "i");
}
