/** The code runner's plans and runtimes, as its events name them. */
export const PLANS = ["free", "creator", "pro"] as const;
export const RUNTIMES = ["react", "html", "python", "p5"] as const;

/** `x-simulate`: a deliberately invalid event, or a failure of the work, on purpose. */
export type Simulate = "invalid" | "fail";

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
