import type { ListedObject } from "../../schemas/archive/listing";
import { errorMessage } from "../../schemas/lib/error-message";
import { forEachArrayElement } from "./json-array-stream";

export interface ObjectRead {
  /** False when the object was gone (deleted since the listing). */
  found: boolean;
  bytes: number;
  events: number;
  /** Only the head of the object was read (a ranged read within the byte budget). */
  partial: boolean;
  /** Why it could not be read as a JSON array, when it could not. */
  unreadable?: string;
}

/**
 * Streams one archive object, one event at a time: whole, or its first `maxBytes` bytes when it
 * is larger (a ranged read: what it holds past them is not read, and an event cut short is
 * dropped). `stop` ends the read early, between chunks. Only a failure to read or parse makes the
 * object unreadable: what `onEvent` throws (a refusal over a limit) belongs to the query.
 */
export async function readObject(
  bucket: R2Bucket,
  object: Pick<ListedObject, "key" | "size">,
  onEvent: (event: unknown, length: number) => void,
  options: { maxBytes?: number; stop?: () => boolean } = {},
): Promise<ObjectRead> {
  const partial = options.maxBytes !== undefined && object.size > options.maxBytes;
  const body = await bucket.get(object.key, partial ? { range: { offset: 0, length: options.maxBytes } } : undefined);
  if (!body) return { found: false, bytes: 0, events: 0, partial: false };
  const read: ObjectRead = { found: true, bytes: partial ? options.maxBytes! : body.size, events: 0, partial };
  let sinkFailure: { error: unknown } | undefined;
  try {
    await forEachArrayElement(
      body.body,
      (event, length) => {
        read.events++;
        try {
          onEvent(event, length);
        } catch (error) {
          sinkFailure = { error };
          throw error;
        }
      },
      { partial, stop: options.stop },
    );
  } catch (error) {
    if (sinkFailure) throw sinkFailure.error;
    read.unreadable = errorMessage(error);
  }
  return read;
}
