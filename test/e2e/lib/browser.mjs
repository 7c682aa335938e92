import { mkdirSync, rmSync } from "node:fs";
import { chromium } from "playwright-core";

/**
 * Debian's Chromium driven by playwright-core (no browser download). The machine has no internet:
 * background services, QUIC and component updates are switched off, and each run gets a fresh
 * profile directory (`profile`, emptied first, removed by `close()` or when this process exits).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const profiles = new Set();
// playwright stops Chromium on exit and on Ctrl-C; its profile directory is ours to remove.
process.on("exit", () => {
  for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
});

export async function launchBrowser({ profile, viewport = { width: 1280, height: 900 } }) {
  rmSync(profile, { recursive: true, force: true });
  mkdirSync(profile, { recursive: true });
  profiles.add(profile);
  // launchPersistentContext is how playwright takes a --user-data-dir of our choosing.
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`could not start ${CHROMIUM} (install it with apt-get install chromium, or set CHROMIUM_PATH): ${error.message}`);
  }
  const close = async () => {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    profiles.delete(profile);
  };
  return { context, close };
}
