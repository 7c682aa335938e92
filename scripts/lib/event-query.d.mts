// Types of event-query.mjs for the workerd tests that run its /query bodies against do-tail.
export interface WhereCondition {
  field: string;
  op: string;
  value?: unknown;
}
export class WhereError extends Error {}
export function parseWhere(text: string): WhereCondition;
export function filterConditions(filter: {
  type?: string;
  importance?: number;
  script?: string;
  where: WhereCondition[];
  grep?: string;
}): WhereCondition[];
export const PAGE_SIZE: number;
export function pageQueries(options: {
  where: WhereCondition[];
  from: string | number;
  to: string | number;
  size: number;
  after?: { timestamp: number; id: string };
}): Record<string, unknown>[];
export function pageHasMore(answer: { truncated?: boolean; total: number; rows: unknown[] }): boolean;
