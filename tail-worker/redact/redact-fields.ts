import type { SecurityConfig } from "../../schemas/config/config";
import { IP_FIELDS, normalizeFieldName } from "../../schemas/config/redaction";
import { setOwn } from "../../schemas/lib/own-property";
import { hashIp } from "./ip-hash";

export const REDACTED = "[REDACTED]";

export interface Redactor {
  /** Redacts secrets and hashes IPs in place, at any depth; answers whether anything changed. */
  redact(root: unknown): boolean;
  /** The URL with the values of secret-named query parameters (`?token=…`) redacted. */
  redactUrl(url: string): string;
}

const IP_FIELD_SET = new Set(IP_FIELDS);
const PLAIN = 0;
const SECRET = 1;
const IP = 2;
type Verdict = typeof PLAIN | typeof SECRET | typeof IP;
const MAX_VERDICTS = 10_000;
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

  // Keys repeat across events: remember what each one is rather than normalising it every time.
  const verdicts = new Map<string, Verdict>();
  function verdictOf(key: string): Verdict {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      const normalized = normalizeFieldName(key);
      verdict = secretKey.test(normalized) ? SECRET : IP_FIELD_SET.has(normalized) ? IP : PLAIN;
      if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
      verdicts.set(key, verdict);
    }
    return verdict;
  }

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
        const verdict = verdictOf(key);
        if (verdict === SECRET) {
          if (value !== REDACTED) {
            setOwn(record, key, REDACTED);
            changed = true;
          }
        } else if (verdict === IP && (typeof value === "string" || Array.isArray(value))) {
          const hash = (ip: unknown) => (typeof ip === "string" ? hashIp(ip, security.ipHashSalt) : ip);
          setOwn(record, key, Array.isArray(value) ? value.map(hash) : hash(value));
          changed = true;
        } else if (value !== null && typeof value === "object") {
          stack.push(value);
        }
      }
    }
    return changed;
  }

  function redactUrl(url: string): string {
    if (!url.includes("?")) return url;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return url;
    }
    const secrets = [...new Set(parsed.searchParams.keys())].filter((name) => verdictOf(name) === SECRET);
    for (const name of secrets) parsed.searchParams.set(name, REDACTED);
    return secrets.length > 0 ? parsed.toString() : url;
  }

  return { redact, redactUrl };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
