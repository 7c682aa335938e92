import { checkObjectSql, createEventsViewSql, objectPath } from "./events-view.mjs";
import { resultRows } from "./result-rows.mjs";

/** DuckDB failed on the user's SQL: the message is DuckDB's own. */
export class SqlError extends Error {
  constructor(message) {
    super(message);
    this.name = "SqlError";
  }
}

/**
 * An in-memory DuckDB. @duckdb/node-api is a devDependency: a clone after `npm install` has it;
 * an install without devDependencies gets a message saying so rather than a stack trace.
 */
export async function openDuckDb() {
  let api;
  try {
    api = await import("@duckdb/node-api");
  } catch (error) {
    if (error.code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new Error("DuckDB (@duckdb/node-api) is not installed; run `npm install` in the do-tail folder (it is a devDependency)");
  }
  const instance = await api.DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  // Archive times are UTC; so are the answers, whatever this machine's zone.
  await connection.run("SET TimeZone = 'UTC'");
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * Reads each object not checked before the way the view will, and records in the manifest entry
 * whether it can be read (`problem: null`) or why not. Answers the readable keys and, for the
 * others, { key, problem }.
 */
export async function checkObjects(connection, root, keys, entries) {
  const readable = [];
  const skipped = [];
  for (const key of keys) {
    const entry = entries[key];
    if (entry.problem === undefined) {
      try {
        await connection.run(checkObjectSql(objectPath(root, key)));
        entry.problem = null;
      } catch (error) {
        entry.problem = readerProblem(error, objectPath(root, key));
      }
    }
    if (entry.problem === null) readable.push(key);
    else skipped.push({ key, problem: entry.problem });
  }
  return { readable, skipped };
}

/** DuckDB's reason, first line only, without the file name it repeats. */
function readerProblem(error, path) {
  const message = String(error?.message ?? error).split("\n")[0];
  return message.replace(` in file "${path}",`, "").trim();
}

/** Defines the `events` view over the readable objects and runs the SQL: { columns, rows }. */
export async function runSql(connection, { root, keys, range, sql }) {
  await connection.run(createEventsViewSql(root, keys, range));
  let reader;
  try {
    reader = await connection.runAndReadAll(sql);
  } catch (error) {
    throw new SqlError(String(error?.message ?? error).trim());
  }
  return resultRows(reader);
}
