import * as v from "valibot";
import type { Env } from "../../schemas/config/env";
import { compileQuery } from "../query/query-schema";
import { QueryTooLargeError } from "../query/refusal";
import { runQuery } from "../query/run-query";
import { readJsonBody } from "./body-limit";
import { json, problem } from "./json";
import { parseQuery } from "./query-params";

/** POST /query: the query as a JSON body. */
export async function postQuery(request: Request, env: Env): Promise<Response> {
  const body = await readJsonBody(request, env);
  if ("problem" in body) return body.problem;
  return answer(body.value, env);
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
