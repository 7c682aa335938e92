// Types of busy-day.mjs for the workerd tests and benchmark that write it.
import type { EventEnvelope } from "../../schemas/event-envelope";

export interface BusyObject {
  key: string;
  body: string;
  events: EventEnvelope[];
  customMetadata: Record<string, string>;
}
export const SHARD_TAGS: string[];
export const SCRIPTS: string[];
export function busyDay(options: { end: number; hours?: number; perHour?: number; seed?: number }): BusyObject[];
export function writeBusyDay(bucket: R2Bucket, objects: readonly BusyObject[], concurrency?: number): Promise<void>;
