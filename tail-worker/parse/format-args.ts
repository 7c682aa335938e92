import { errorMessage } from "../../schemas/lib/error-message";

/** Renders console arguments as console would print them; never throws, whatever the value. */
export function formatArg(arg: unknown): string {
  try {
    switch (typeof arg) {
      case "string":
        return arg;
      case "undefined":
        return "undefined";
      case "bigint":
        return `${BigInt.prototype.toString.call(arg)}n`;
      case "number":
      case "boolean":
        return String(arg);
      case "symbol":
        return Symbol.prototype.toString.call(arg);
      case "function":
        return `[Function ${describeFunction(arg as () => unknown)}]`;
    }
    if (arg === null) return "null";
    if (arg instanceof Error) return `${printable(arg.name, "Error")}: ${printable(arg.message, "")}`;
    return JSON.stringify(arg) ?? "undefined";
  } catch (error) {
    return `[unprintable ${typeof arg}: ${errorMessage(error).slice(0, 200)}]`;
  }
}

export function formatArgs(args: readonly unknown[]): string {
  return args.map(formatArg).join(" ");
}

/** Only a string is printed as itself: String() of a producer's object may run its code and throw. */
function printable(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function describeFunction(fn: () => unknown): string {
  const name = Object.getOwnPropertyDescriptor(fn, "name")?.value;
  return typeof name === "string" && name !== "" ? name : "(anonymous)";
}
