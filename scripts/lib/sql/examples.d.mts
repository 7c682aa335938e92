/** Types of examples.mjs, for the tests written in TypeScript. */
export interface SqlExample {
  name: string;
  question: string;
  sql: string;
}

export const SQL_EXAMPLES: readonly SqlExample[];
