// Vitest global setup (runs in Node, outside workerd): serves DuckDB over loopback HTTP so tests
// inside workerd can prove archive contents and SQL answers against a real engine.
//
// POST /read   {objects:[{name, base64}]}        → {objects:[{name, events} | {name, error}]}
//              each object read alone by read_json(format='array'), as a strict reader would.
// POST /query  {objects:[{name, base64}], sql}    → {rows} | {error}
//              `events` in the SQL is a view over every object given (union_by_name).
// POST /archive-sql {objects:[{name: archive key, base64}], sql} → {rows, skipped} | {error}
//              the view and the reading of `npm run archives -- sql` (scripts/lib/sql/): objects
//              DuckDB cannot read are left out and listed in `skipped` with the reason.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { checkObjects, openDuckDb, runSql } from "../../scripts/lib/sql/engine.mjs";
import { objectPath } from "../../scripts/lib/sql/events-view.mjs";
import { serveJson } from "./loopback-json-server.mjs";

const sqlString = (text) => `'${text.replaceAll("'", "''")}'`;

async function withObjects(objects, use) {
  const dir = await mkdtemp(join(tmpdir(), "do-tail-duckdb-"));
  try {
    const paths = [];
    for (const [i, object] of objects.entries()) {
      const path = join(dir, `${String(i).padStart(6, "0")}.json`);
      await writeFile(path, Buffer.from(object.base64, "base64"));
      paths.push(path);
    }
    return await use(paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function read(connection, { objects }) {
  return withObjects(objects, async (paths) => {
    const results = [];
    for (const [i, path] of paths.entries()) {
      const name = objects[i].name;
      try {
        const reader = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_json(${sqlString(path)}, format = 'array')`);
        results.push({ name, events: reader.getRowObjectsJson()[0].n });
      } catch (error) {
        results.push({ name, error: String(error?.message ?? error) });
      }
    }
    return { objects: results };
  });
}

async function query(connection, { objects, sql }) {
  return withObjects(objects, async (paths) => {
    const list = `[${paths.map(sqlString).join(", ")}]`;
    await connection.run(`CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM read_json(${list}, format = 'array', union_by_name = true)`);
    try {
      const reader = await connection.runAndReadAll(sql);
      return { rows: reader.getRowObjectsJson() };
    } finally {
      await connection.run("DROP VIEW IF EXISTS events");
    }
  });
}

async function archiveSql(connection, { objects, sql }) {
  const dir = await mkdtemp(join(tmpdir(), "do-tail-archive-sql-"));
  try {
    const entries = {};
    for (const object of objects) {
      if (!/^tail-events\/[\w./-]+$/.test(object.name) || object.name.includes("..")) throw new Error(`not an archive key: ${object.name}`);
      const path = objectPath(dir, object.name);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, Buffer.from(object.base64, "base64"));
      entries[object.name] = {};
    }
    const { readable, skipped } = await checkObjects(connection, dir, Object.keys(entries), entries);
    const { rows } = await runSql(connection, { root: dir, keys: readable, sql });
    return { rows, skipped };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default async function setup({ provide }) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const archiveDb = await openDuckDb();
  const server = await serveJson({
    "/read": (body) => read(connection, body),
    "/query": (body) => query(connection, body),
    "/archive-sql": (body) => archiveSql(archiveDb.connection, body),
  });
  provide("duckdbUrl", server.url);
  return async () => {
    await server.close();
    connection.closeSync();
    instance.closeSync();
    archiveDb.close();
  };
}
