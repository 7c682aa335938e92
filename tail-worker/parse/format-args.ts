import { errorMessage } from "../../schemas/lib/error-message";

/** Renders console arguments as console would print them, never throwing on odd values. */
export function formatArg(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg === undefined) return "undefined";
  if (typeof arg === "bigint") return `${arg}n`;
  if (typeof arg !== "object" || arg === null) return String(arg);
  if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch (error) {
    return `[unserializable ${Array.isArray(arg) ? "array" : "object"}: ${errorMessage(error)}]`;
  }
}

export function formatArgs(args: readonly unknown[]): string {
  return args.map(formatArg).join(" ");
}
