/**
 * Entries: objects that pair a name with a value in fields of their own, so that the name, not
 * the value's field, says what the value is. HAR header lists' {name, value}, AWS's {Name, Value}
 * and {Key, Value} (parameters, environments, tags), a validator's {path, value} or
 * {property, value}, a form's {label, value}, a Worker binding's {type, name, text}.
 */

export const ENTRY_NAME_FIELDS: readonly string[] = ["name", "key", "Name", "Key"];
/**
 * Fields that name a value only sometimes: a validator's path, a form's label, a route's path
 * (`{path: "/api/auth", value: 120}`). Their entries' values are secrets only when they read as one.
 */
export const CONTEXT_NAME_FIELDS: readonly string[] = ["path", "field", "property", "header", "param", "parameter", "label"];

/** Whether an entry's value is a secret only when it reads as one (see entryName), by the fields that hold its name and value. */
export function judgedByShape(nameField: string, valueField: string): boolean {
  return valueField === "text" || CONTEXT_NAME_FIELDS.includes(nameField);
}

/**
 * Entries whose type says the value is a secret whatever its name: a Worker's secret binding,
 * an SSM SecureString parameter, a 1Password concealed field.
 */
const SECRET_ENTRY_TYPES = new Set(["secret_text", "SecureString", "CONCEALED"]);

/** The field holding an entry's value, when the record has one. */
export function entryValueKey(record: Record<string, unknown>): "value" | "Value" | "text" | undefined {
  if (Object.hasOwn(record, "value")) return "value";
  if (Object.hasOwn(record, "Value")) return "Value";
  return Object.hasOwn(record, "text") ? "text" : undefined;
}

export function holdsSecretByType(record: Record<string, unknown>): boolean {
  const type = record.type ?? record.Type;
  return typeof type === "string" && SECRET_ENTRY_TYPES.has(type);
}

/**
 * The name of an entry, however its fields are cased or named, and whether its value is a secret
 * only when it reads as one (a name from CONTEXT_NAME_FIELDS, or a value in `text`, which
 * bindings and chat blocks hold alike).
 */
export function entryName(record: Record<string, unknown>, valueKey: string): { name: string; byShape: boolean } | undefined {
  for (const field of ENTRY_NAME_FIELDS) {
    const name = record[field];
    if (typeof name === "string") return { name, byShape: judgedByShape(field, valueKey) };
  }
  for (const field of CONTEXT_NAME_FIELDS) {
    const name = record[field];
    if (typeof name === "string") return { name, byShape: judgedByShape(field, valueKey) };
  }
  return undefined;
}
