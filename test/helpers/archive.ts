import type { EventEnvelope } from "../../schemas/event-envelope";

export interface StoredArchive {
  key: string;
  size: number;
  customMetadata: Record<string, string>;
  /** The object's body exactly as stored. */
  text: string;
  events: EventEnvelope[];
}

/** Every archive object under `prefix`, read back from R2 (all pages of the listing). */
export async function readArchives(bucket: R2Bucket, prefix = "tail-events/"): Promise<StoredArchive[]> {
  const archives: StoredArchive[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor, include: ["customMetadata"] });
    for (const listed of page.objects) {
      const object = await bucket.get(listed.key);
      if (!object) throw new Error(`listed object ${listed.key} is gone`);
      const text = await object.text();
      archives.push({
        key: listed.key,
        size: listed.size,
        customMetadata: object.customMetadata ?? {},
        text,
        events: JSON.parse(text) as EventEnvelope[],
      });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return archives;
}

/** `YYYY-MM-DD` (UTC) of a time, as used in archive keys. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
