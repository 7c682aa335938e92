import type { ForwardDecision } from "../../schemas/analytics/data-point";
import type { ValidationMark } from "../../schemas/event-envelope";
import type { Importance } from "../../schemas/importance";
import type { ParsedEvent } from "../parse/parsed-event";

/**
 * A parsed event as it goes through the rest of the tail path: classification sets importance
 * and namespace, sampling its weight, validation its mark, the analytics step its decision.
 */
export interface ClassifiedEvent extends ParsedEvent {
  importance: Importance;
  namespace: string | null;
  /** Set when the event fails its catalog schema; archived beside its data. */
  validation?: ValidationMark;
  /** How many events this one stands for (head sampling times tail sampling); 1 when unsampled. */
  sampleRate?: number;
  /** Whether and how the event is forwarded to analytics; travels to the collector, not archived. */
  analytics?: ForwardDecision;
}
