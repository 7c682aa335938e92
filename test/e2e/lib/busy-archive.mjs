import { join } from "node:path";
import { getPlatformProxy } from "wrangler";
import { busyDay, writeBusyDay } from "../../../scripts/lib/busy-day.mjs";
import { ROOT } from "../../../scripts/lib/wrangler.mjs";

/**
 * Writes the busy day (scripts/lib/busy-day.mjs) into the local R2 that `wrangler dev
 * --persist-to <stateDir>` will use, from Node through getPlatformProxy; answers what it wrote.
 */
export async function writeBusyArchive(stateDir, { end = Date.now() - 60_000, hours = 26 } = {}) {
  const proxy = await getPlatformProxy({ configPath: join(ROOT, "wrangler.tail.toml"), persist: { path: join(stateDir, "v3") } });
  try {
    const objects = busyDay({ end, hours });
    await writeBusyDay(proxy.env.ARCHIVE, objects, 32);
    return { end, objects: objects.length };
  } finally {
    await proxy.dispose();
  }
}
