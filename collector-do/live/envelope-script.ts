const KEY = '"script":';

/**
 * The `script` of an archived event's JSON without parsing the event: the tail worker serialises
 * the envelope's own fields before `data` (the producer's line, spliced in last), and a key can
 * only appear unescaped as a key, so the first `"script":` is the envelope's. Answers undefined
 * when the JSON is not laid out that way (the caller then parses it).
 */
export function envelopeScript(json: string): string | null | undefined {
  const at = json.indexOf(KEY);
  if (at < 0) return undefined;
  const start = at + KEY.length;
  if (json.startsWith("null", start)) return null;
  if (json.charCodeAt(start) !== 34) return undefined;
  let escaped = false;
  for (let i = start + 1; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 92) {
      escaped = true;
      i++;
    } else if (c === 34) {
      if (!escaped) return json.slice(start + 1, i);
      try {
        return JSON.parse(json.slice(start, i + 1)) as string;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
