import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    duckdbUrl: string;
  }
}

/** An archive object as DuckDB is given it: its key and its bytes exactly as R2 holds them. */
export interface EngineObject {
  name: string;
  bytes: Uint8Array;
}

/** Every object under `prefix`, read back from R2 byte for byte. */
export async function archiveObjects(bucket: R2Bucket, prefix: string): Promise<EngineObject[]> {
  const objects: EngineObject[] = [];
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    for (const { key } of page.objects) {
      const body = await bucket.get(key);
      if (body) objects.push({ name: key, bytes: new Uint8Array(await body.arrayBuffer()) });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return objects;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

async function call<T>(path: string, body: object): Promise<T> {
  const response = await fetch(`${inject("duckdbUrl")}${path}`, { method: "POST", body: JSON.stringify(body) });
  const answer = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(`DuckDB: ${answer.error}`);
  return answer;
}

const wire = (objects: readonly EngineObject[]) => objects.map((o) => ({ name: o.name, base64: base64(o.bytes) }));

/** Each object read alone by DuckDB's strict JSON reader: its event count, or the reader's error. */
export async function duckdbRead(
  objects: readonly EngineObject[],
): Promise<({ name: string; events: number } | { name: string; error: string })[]> {
  return (
    await call<{ objects: ({ name: string; events: number } | { name: string; error: string })[] }>("/read", { objects: wire(objects) })
  ).objects;
}

/** Runs SQL in DuckDB over a view `events` holding every event of the objects given. */
export async function duckdbQuery(objects: readonly EngineObject[], sql: string): Promise<Record<string, unknown>[]> {
  return (await call<{ rows: Record<string, unknown>[] }>("/query", { objects: wire(objects), sql })).rows;
}

/**
 * Runs SQL the way `npm run archives -- sql` does (scripts/lib/sql/): over its typed `events`
 * view of the objects given (named by their archive keys), leaving out and listing those DuckDB
 * cannot read. Values come back as the CLI prints them in JSON (numbers, parsed JSON, ISO times).
 */
export async function archiveSql(
  objects: readonly EngineObject[],
  sql: string,
): Promise<{ rows: Record<string, unknown>[]; skipped: { key: string; problem: string }[] }> {
  return call("/archive-sql", { objects: wire(objects), sql });
}
