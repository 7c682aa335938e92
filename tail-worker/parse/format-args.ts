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

const SPECIFIER = /%[sdifjoOc%]/g;

/**
 * Applies console's format specifiers (`console.log("token=%s", token)` prints "token=…"): the
 * first argument with the arguments it consumes rendered in, then the rest as they were. Done
 * before anything else reads the call, so that redaction sees what console would print. An object
 * is not rendered into the text: its specifier stays and the object stays an argument, kept as
 * data, where redaction reads its field names (as text, `[["authorization","…"]]` names nothing).
 */
export function applyFormatSpecifiers(args: readonly unknown[], render: (arg: unknown) => string): unknown[] {
  const [first] = args;
  if (args.length < 2 || typeof first !== "string" || first.indexOf("%") === -1) return args as unknown[];
  let next = 1;
  const objects: unknown[] = [];
  const text = first.replace(SPECIFIER, (specifier) => {
    if (specifier === "%%") return "%";
    if (next >= args.length) return specifier;
    const arg = args[next++];
    if (arg !== null && typeof arg === "object") {
      objects.push(arg);
      return specifier;
    }
    switch (specifier) {
      case "%c":
        return "";
      case "%d":
      case "%i":
        return typeof arg === "bigint" ? `${arg}n` : String(Math.trunc(asNumber(arg)));
      case "%f":
        return String(asNumber(arg));
      default:
        return render(arg);
    }
  });
  return [text, ...objects, ...args.slice(next)];
}

/** A number as console's numeric specifiers read one: strings are parsed, anything else is NaN. */
function asNumber(arg: unknown): number {
  return typeof arg === "number" ? arg : typeof arg === "string" ? Number.parseFloat(arg) : Number.NaN;
}

/** Only a string is printed as itself: String() of a producer's object may run its code and throw. */
function printable(value: unknown, fallback: string): string {
  return typeof value === "string" ? value : fallback;
}

function describeFunction(fn: () => unknown): string {
  const name = Object.getOwnPropertyDescriptor(fn, "name")?.value;
  return typeof name === "string" && name !== "" ? name : "(anonymous)";
}
