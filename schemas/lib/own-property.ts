/**
 * Sets an own, enumerable property. Producer data may carry any key, and assigning to one named
 * "__proto__" would replace the object's prototype instead of setting a field.
 */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
