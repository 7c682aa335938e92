import { utf8ByteLength } from "../../schemas/lib/utf8";

/** A sample event in a notification is at most this many characters of JSON. */
export const MAX_SAMPLE_CHARS = 4096;
const PREVIEW_CHARS = 1000;

/**
 * A sample event for a notification: the archived envelope (already redacted by the tail worker)
 * as it is, or, when larger than MAX_SAMPLE_CHARS, its envelope fields with the start of its JSON
 * as `text` and the archive's own `truncated` marker.
 */
export function sampleOf(json: string, envelope: unknown): string {
  if (json.length <= MAX_SAMPLE_CHARS) return json;
  const { data: _data, text: _text, ...head } = (envelope ?? {}) as Record<string, unknown>;
  const preview = JSON.stringify({
    ...head,
    text: json.slice(0, PREVIEW_CHARS),
    truncated: { originalBytes: utf8ByteLength(json), maxBytes: MAX_SAMPLE_CHARS },
    data: {},
  });
  // An envelope whose own fields are huge (a long parseError, validation issues) keeps only its id and type.
  if (preview.length <= MAX_SAMPLE_CHARS) return preview;
  return JSON.stringify({
    id: head.id,
    type: head.type,
    text: json.slice(0, PREVIEW_CHARS),
    truncated: { originalBytes: utf8ByteLength(json), maxBytes: MAX_SAMPLE_CHARS },
  });
}
