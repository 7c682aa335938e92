import * as v from "valibot";
import type { Env } from "../../schemas/config/env";
import { errorMessage } from "../../schemas/lib/error-message";
import { type CompiledQuery, compileQuery } from "../query/query-schema";
import { QueryTooLargeError } from "../query/refusal";
import { runCounts } from "../query/rollups/run-counts";
import { type QueryResult, runQuery } from "../query/run-query";
import { readJsonBody } from "./body-limit";
import { json, problem } from "./json";
import { parseQuery } from "./query-params";

/** POST /query: the query as a JSON body. */
export async function postQuery(request: Request, env: Env): Promise<Response> {
  const body = await readJsonBody(request, env);
  if ("problem" in body) return body.problem;
  return answer(body.value, env);
}

/** Most queries one batch takes. */
export const MAX_BATCH = 20;

type BatchAnswer = QueryResult | { error: { status: number; message: string; details?: unknown } };

/**
 * POST /query/batch `{"queries": [q, …]}`: several queries of one page at once, answered
 * `{"answers": [a, …]}` in the same order, each the answer /query would give or its error
 * (`{"error": {status, message}}`), so one failing query costs only itself. Counts queries share
 * one read: one snapshot of each collector and one read of each stored rollup for all of them.
 */
export async function postQueryBatch(request: Request, env: Env): Promise<Response> {
  const body = await readJsonBody(request, env);
  if ("problem" in body) return body.problem;
  const queries = (body.value as { queries?: unknown } | null)?.queries;
  if (!Array.isArray(queries) || queries.length === 0 || queries.length > MAX_BATCH)
    return problem(400, `queries: must be an array of 1 to ${MAX_BATCH} queries, as POST /query takes them`);
  const now = Date.now();
  const compiled = queries.map((q) => compileQuery(q, now));
  const answers: BatchAnswer[] = new Array(queries.length);
  const counts: [number, CompiledQuery][] = [];
  const others: Promise<void>[] = [];
  compiled.forEach((c, i) => {
    if ("error" in c) answers[i] = { error: { status: 400, message: c.error } };
    else if (c.query.select === "counts") counts.push([i, c.query]);
    else others.push(settle(() => runQuery(env, c.query)).then((a) => void (answers[i] = a)));
  });
  const shared =
    counts.length === 0
      ? Promise.resolve()
      : settle(() =>
          runCounts(
            env,
            counts.map(([, q]) => q),
          ),
        ).then((result) => {
          counts.forEach(([i], k) => {
            answers[i] = "error" in result ? result : result[k]!;
          });
        });
  await Promise.all([shared, ...others]);
  return json({ answers });
}

async function settle<T>(run: () => Promise<T>): Promise<T | { error: { status: number; message: string; details?: unknown } }> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof QueryTooLargeError) return { error: { status: 422, message: error.message, details: error.details } };
    return { error: { status: 500, message: errorMessage(error) } };
  }
}

const text = (max = 2000) => v.optional(v.pipe(v.string(), v.maxLength(max)));

/**
 * GET /query?q=<the JSON of a POST body, URL-encoded>, or simple parameters instead of q:
 * from, to, limit, select, bucket, sample, includeBuffered, groupBy=a,b,
 * aggregates=count,p95:data.durationMs, and equality filters type, script, kind, level, importance.
 */
export async function getQuery(request: Request, env: Env): Promise<Response> {
  const query = parseQuery(request.url, {
    q: text(60_000),
    from: text(100),
    to: text(100),
    limit: text(10),
    select: text(20),
    bucket: text(10),
    sample: text(10),
    includeBuffered: text(10),
    groupBy: text(),
    aggregates: text(),
    type: text(500),
    script: text(500),
    kind: text(50),
    level: text(50),
    importance: text(10),
  });
  if ("problem" in query) return query.problem;
  const { q, ...simple } = query.params;
  if (q !== undefined) {
    if (Object.values(simple).some((value) => value !== undefined))
      return problem(400, "give either q (the whole query as JSON) or individual parameters, not both");
    try {
      return answer(JSON.parse(q), env);
    } catch (error) {
      return problem(400, `q is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return answer(fromParameters(simple), env);
}

async function answer(input: unknown, env: Env): Promise<Response> {
  const compiled = compileQuery(input);
  if ("error" in compiled) return problem(400, compiled.error);
  try {
    return json(await runQuery(env, compiled.query));
  } catch (error) {
    if (error instanceof QueryTooLargeError) return problem(422, error.message, error.details);
    throw error;
  }
}

/** The JSON query that simple GET parameters stand for; compileQuery validates it like any other. */
function fromParameters(params: Record<string, string | undefined>): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (params.from !== undefined) query.from = params.from;
  if (params.to !== undefined) query.to = params.to;
  if (params.limit !== undefined) query.limit = /^\d+$/.test(params.limit) ? Number(params.limit) : params.limit;
  if (params.select !== undefined) query.select = params.select;
  if (params.bucket !== undefined) query.bucket = params.bucket;
  for (const flag of ["includeBuffered", "sample"] as const) {
    const value = params[flag];
    if (value !== undefined) query[flag] = value === "true" ? true : value === "false" ? false : value;
  }
  if (params.groupBy !== undefined) query.groupBy = list(params.groupBy);
  if (params.aggregates !== undefined) {
    query.aggregates = list(params.aggregates).map((spec) => {
      const [fn, field, as] = spec.split(":");
      return { fn, ...(field ? { field } : {}), ...(as ? { as } : {}) };
    });
  }
  const where: unknown[] = [];
  for (const field of ["type", "script", "kind", "level"] as const) {
    if (params[field] !== undefined) where.push({ field, op: "eq", value: params[field] });
  }
  if (params.importance !== undefined)
    where.push({ field: "importance", op: "eq", value: /^\d+$/.test(params.importance) ? Number(params.importance) : params.importance });
  if (where.length > 0) query.where = where;
  return query;
}

function list(text: string): string[] {
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}
