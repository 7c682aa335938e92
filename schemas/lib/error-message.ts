/**
 * The message of anything thrown, Error or not. Never throws itself: what was thrown may be a
 * producer's value whose `message` getter or `toString` throws, or is not a function.
 */
export function errorMessage(error: unknown): string {
  try {
    if (error instanceof Error) {
      const message: unknown = error.message;
      return typeof message === "string" ? message : "(an error whose message is not a string)";
    }
    return String(error);
  } catch {
    return "(an error that cannot be printed)";
  }
}
