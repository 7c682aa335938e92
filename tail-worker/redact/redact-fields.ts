import type { SecurityConfig } from "../../schemas/config/config";
import { IP_FIELDS, normalizeFieldName } from "../../schemas/config/redaction";
import { hashIp } from "./ip-hash";

export const REDACTED = "[REDACTED]";

export interface Redactor {
  /** Redacts secrets and hashes IPs in place, at any depth; answers whether anything changed. */
  redact(root: unknown): boolean;
  /** A cheap first look at raw JSON text: false means no key in it can need redaction. */
  mayNeedRedaction(json: string): boolean;
}

const IP_FIELD_SET = new Set(IP_FIELDS);
const redactors = new WeakMap<SecurityConfig, Redactor>();

export function redactorFor(security: SecurityConfig): Redactor {
  let redactor = redactors.get(security);
  if (!redactor) {
    redactor = createRedactor(security);
    redactors.set(security, redactor);
  }
  return redactor;
}

function createRedactor(security: SecurityConfig): Redactor {
  const names = security.redactFields.map(escapeRegExp).join("|");
  const secretKey = new RegExp(`(?:${names})$`);
  // A quoted key that, ignoring separators and case, could end in a secret name or be an IP field.
  const loose = (list: readonly string[]) => list.map((name) => name.split("").map(escapeRegExp).join('[^a-z0-9"]*')).join("|");
  const candidateKey = new RegExp(`(?:${loose(security.redactFields)})"\\s*:|"(?:${loose(IP_FIELDS)})"\\s*:`, "i");

  function redact(root: unknown): boolean {
    let changed = false;
    const stack: unknown[] = [root];
    const seen = new Set<object>();
    while (stack.length > 0) {
      const node = stack.pop();
      if (node === null || typeof node !== "object" || seen.has(node)) continue;
      seen.add(node);
      if (Array.isArray(node)) {
        for (const item of node) if (item !== null && typeof item === "object") stack.push(item);
        continue;
      }
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const value = record[key];
        const normalized = normalizeFieldName(key);
        if (secretKey.test(normalized)) {
          if (value !== REDACTED) changed = setOwn(record, key, REDACTED);
        } else if (IP_FIELD_SET.has(normalized) && typeof value === "string") {
          changed = setOwn(record, key, hashIp(value, security.ipHashSalt));
        } else if (value !== null && typeof value === "object") {
          stack.push(value);
        }
      }
    }
    return changed;
  }

  return { redact, mayNeedRedaction: (json) => candidateKey.test(json) };
}

/** defineProperty, because assigning to a key named "__proto__" would change the prototype. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): true {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
