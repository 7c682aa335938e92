import { isPlainObject } from "./parse/values";

/** The Durable Object class do-tail exports: what its collector's invocations name as entrypoint. */
const COLLECTOR_CLASS = "TailCollector";

/** What do-tail knows of itself at run time, whatever name it was deployed under. */
export interface SelfIdentity {
  /** This version's id, from the version_metadata binding (CF_VERSION_METADATA). */
  versionId: string | undefined;
}

/**
 * True for do-tail's own invocations, should it ever be made a producer of itself: archiving them
 * would form a loop (each tail() or collector call producing a TraceItem that triggers another).
 * The test does not depend on the Worker's name, which a deployment may change:
 * - the collector's own invocations (ingest, flush, alarms) name its class, TailCollector, as their
 *   entrypoint (Cloudflare: "the name of the entrypoint class in which the Worker began execution");
 * - every invocation of this very version carries this version's id (version_metadata binding);
 * - a tail-handler invocation that consumed events of its own script is a Worker tailing itself
 *   (deployed; across a rollout, when two versions tail each other); locally scriptName is null,
 *   so there every tail-handler invocation is taken to be our own.
 */
export function isOwnInvocation(item: unknown, self: SelfIdentity): boolean {
  try {
    if (!isPlainObject(item)) return false;
    if (item.entrypoint === COLLECTOR_CLASS) return true;
    const version = isPlainObject(item.scriptVersion) ? item.scriptVersion.id : undefined;
    if (self.versionId !== undefined && version === self.versionId) return true;
    const event = item.event;
    if (!isPlainObject(event) || !("consumedEvents" in event)) return false;
    const script = item.scriptName;
    if (script == null) return true;
    const consumed = event.consumedEvents;
    return Array.isArray(consumed) && consumed.some((c) => isPlainObject(c) && c.scriptName === script);
  } catch {
    // An item too odd to inspect is a producer's, and parsing marks what it cannot read.
    return false;
  }
}

/** This Worker's identity from its bindings. */
export function selfIdentity(versionMetadata: { id?: unknown } | undefined): SelfIdentity {
  const id = versionMetadata?.id;
  return { versionId: typeof id === "string" && id !== "" ? id : undefined };
}
