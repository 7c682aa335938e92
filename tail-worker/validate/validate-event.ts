import * as v from "valibot";
import { schemaFor } from "../../schemas/catalog/registry";
import type { ValidationMark } from "../../schemas/event-envelope";
import { errorMessage } from "../../schemas/lib/error-message";
import type { ParsedEvent } from "../parse/parsed-event";
import { type Check, compileCheck } from "./compile-check";

/** A hostile event can fail on every field; the mark keeps the first few, each path and message shortened. */
export const MAX_ISSUES = 10;
export const MAX_ISSUE_MESSAGE_CHARS = 300;

/** A catalog schema with its compiled check (see compileCheck). */
export interface CatalogCheck {
  schema: v.GenericSchema;
  check: Check | null;
}

/** The catalog's check of the events named `type`, or undefined when the name is not in the catalog. */
export function catalogCheckOf(type: string): CatalogCheck | undefined {
  const schema = schemaFor(type);
  return schema ? { schema, check: compileCheck(schema) } : undefined;
}

/**
 * Checks a named event against its catalog schema (`catalog`, when the caller has it already).
 * Answers the issues found, or undefined when the event is valid or its name is not in the
 * catalog (unknown names pass unvalidated). Never throws, and never changes the event: a failing
 * event is archived as it came, with the mark beside it.
 */
export function validateEvent(event: ParsedEvent, catalog = catalogCheckOf(event.type)): ValidationMark | undefined {
  if (!event.named || !catalog) return undefined;
  // Most events are valid: a compiled check confirms that cheaply; valibot then only runs to explain.
  if (catalog.check?.(event.data)) return undefined;
  let issues: ValidationMark["issues"];
  try {
    const result = v.safeParse(catalog.schema, event.data);
    if (result.success) return undefined;
    issues = result.issues.slice(0, MAX_ISSUES).map((issue) => ({ path: v.getDotPath(issue) ?? "", message: issue.message }));
  } catch (error) {
    // Data odd enough to break the validator is itself worth marking; the event is still archived.
    issues = [{ path: "", message: `could not be validated: ${errorMessage(error)}` }];
  }
  return {
    schema: event.type,
    issues: issues.map((i) => ({ path: i.path.slice(0, MAX_ISSUE_MESSAGE_CHARS), message: i.message.slice(0, MAX_ISSUE_MESSAGE_CHARS) })),
  };
}
