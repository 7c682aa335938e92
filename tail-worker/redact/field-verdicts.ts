import type { SecurityConfig } from "../../schemas/config/config";
import {
  FORWARDED_FIELD,
  IP_FIELDS,
  lastWord,
  normalizeFieldName,
  SESSION_COOKIE_WORD,
  SESSION_ID_SUFFIX,
  SESSION_NAMES,
  SESSION_WORD,
  WORD_REDACT_FIELDS,
} from "../../schemas/config/redaction";
import { holdsKnownToken } from "./known-tokens";
import { ipHasher, secretNameHasher, sessionHasher } from "./pseudonym";
import { REDACTED } from "./secret-text";
import { isTokenSecret, looksLikeHeaderName, redactTokenSecret, redactUnlessCount } from "./value-shapes";

export const PLAIN = 0;
export const SECRET = 1;
export const IP = 2;
export const FORWARDED = 3;
export const SESSION = 4;
/**
 * A secret's name with `header` after it (`authHeader`, `apiKeyHeader`): the header's value, a
 * secret, or in config the header's name, kept (`apiKeyHeader: "x-api-key"`).
 */
export const HEADER_HELD = 5;
/**
 * Beside a verdict (see nameVerdictOf), not one of its own: the name itself holds a secret, as a
 * credential of a known form (a map keyed by API key) or written as text (a map keyed by URL,
 * `{"/login?token=…": 3}`). The walk renames it (see renameSecretNames in redact-fields.ts);
 * its value is judged by the rest of the verdict.
 */
export const NAME_HOLDS_SECRET = 8;
/**
 * The plural of a secret's name (`passwords`, `apiKeys`, `signatures`): every string and number
 * at any depth below it is a secret; its own number is a count (`secrets: 3`). The plural of a
 * name whose values are numbers (`otps`, `cvvs`, `cardNumbers`) is SECRET instead.
 */
export const SECRETS = 6;
/**
 * `tokens` and the like (`accessTokens`): credentials, or a language model's tokens and their
 * counts (`tokens: [" Hello"]`, `tokens: {input: 812}`). Strings below it that read as a
 * credential are secrets (see isTokenSecret); the rest is walked as any data is.
 */
export const TOKENS = 7;
/** What a field name says of its value. */
export type Verdict =
  | typeof PLAIN
  | typeof SECRET
  | typeof IP
  | typeof FORWARDED
  | typeof SESSION
  | typeof HEADER_HELD
  | typeof SECRETS
  | typeof TOKENS;

/** What names say of values under one security setting, each name decided once. */
export interface FieldVerdicts {
  verdictOf(key: string): Verdict;
  /** The verdict of a field's name, plus NAME_HOLDS_SECRET when the name itself is to be redacted. */
  nameVerdictOf(key: string): number;
  /** What a value under a name that judges it becomes; the value itself when nothing is to change. */
  replacement(verdict: Verdict, value: unknown): unknown;
  /** What a value written after a name in text becomes; undefined when the name is a plain one. */
  namedValue(name: string): ((value: string) => string) | undefined;
  /** A client IP's keyed hash. */
  hash(value: string): string;
  /** A session id's keyed hash, `session:<16 hex>`. */
  hashSession(value: string): string;
  /** A field name that is a credential, as `secret:<16 hex>`. */
  hashSecretName(name: string): string;
}

const IP_FIELD_SET = new Set(IP_FIELDS);
const SESSION_NAME_SET = new Set(SESSION_NAMES);
const WORD_FIELD_SET = new Set(WORD_REDACT_FIELDS);
const MAX_VERDICTS = 10_000;

/** `for=` and `by=` of a Forwarded header, with an optional quoted or bracketed address. */
const FORWARDED_ADDRESS = /\b(for|by)=("[^"]*"|[^;,\s]*)/gi;

/** Whether a name decides what its value becomes. */
export function judgesValue(verdict: Verdict): boolean {
  return verdict !== PLAIN;
}

/**
 * `holdsSecretText` tells whether a name holds a secret written as text (see secret-text.ts):
 * every name is looked at as text too, once, when it is first met.
 */
export function fieldVerdicts(security: SecurityConfig, holdsSecretText: (name: string) => boolean): FieldVerdicts {
  const names = security.redactFields.map(escapeRegExp).join("|");
  const secretKey = new RegExp(`(?:${names})$`);
  const hash = ipHasher(security.ipHashSalt);
  const hashSession = sessionHasher(security.ipHashSalt);
  const hashSecretName = secretNameHasher(security.ipHashSalt);

  // Keys repeat across events: remember what each one is rather than normalising it every time.
  const verdicts = new Map<string, number>();
  function nameVerdictOf(key: string): number {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = decide(key);
      if (verdicts.size >= MAX_VERDICTS) verdicts.clear();
      verdicts.set(key, verdict);
    }
    return verdict;
  }

  function verdictOf(key: string): Verdict {
    return (nameVerdictOf(key) & ~NAME_HOLDS_SECRET) as Verdict;
  }

  function decide(key: string): number {
    // A name that is a credential names nothing: its value is plain.
    if (holdsKnownToken(key)) return PLAIN | NAME_HOLDS_SECRET;
    const verdict = decideByName(key);
    return holdsSecretText(key) ? verdict | NAME_HOLDS_SECRET : verdict;
  }

  /**
   * What a name says, or else what it says without a word that only says how its value is held
   * (`passwordConfirmation`, `privateKeyPem`, `apiKeyV2`: SECRET; `authHeader`: HEADER_HELD). Never
   * a pseudonym: `sessionHeader` may well name a header.
   */
  function decideByName(key: string): Verdict {
    const verdict = decideByOwnName(key);
    if (verdict !== PLAIN) return verdict;
    const held = key.replace(HOLDER_WORD, "");
    if (held === key || held === "") return PLAIN;
    const heldVerdict = decideByOwnName(held);
    if (heldVerdict !== SECRET && heldVerdict !== SECRETS && heldVerdict !== TOKENS) return PLAIN;
    return HEADER_WORD.test(key) ? HEADER_HELD : SECRET;
  }

  function decideByOwnName(key: string): Verdict {
    const normalized = normalizeFieldName(key);
    // Digits at the end are a version or a rank: X-Hub-Signature-256, password2, apiKeys2.
    const name = withoutEndDigits(normalized);
    const last = lastWord(key.replace(END_NUMBER, ""));
    const word = NUMBERED_WORD.test(last) ? last.replace(END_DIGITS, "") : last;
    if (secretKey.test(normalized) || secretKey.test(name) || WORD_FIELD_SET.has(word)) return SECRET;
    if (IP_FIELD_SET.has(normalized)) return IP;
    if (normalized === FORWARDED_FIELD) return FORWARDED;
    if (normalized.endsWith(SESSION_ID_SUFFIX) || word === SESSION_WORD || word === SESSION_COOKIE_WORD || SESSION_NAME_SET.has(normalized))
      return SESSION;
    if (!name.endsWith("s")) return PLAIN;
    const singular = name.slice(0, -1);
    if (!secretKey.test(singular) && !(word.endsWith("s") && WORD_FIELD_SET.has(word.slice(0, -1)))) return PLAIN;
    return NUMERIC_SECRET.test(singular) ? SECRET : singular.endsWith("token") ? TOKENS : SECRETS;
  }

  function hashForwarded(header: string): string {
    return header.replace(FORWARDED_ADDRESS, (_, name: string, address: string) => `${name}=${hash(address.replace(/^"|"$/g, ""))}`);
  }

  function replacement(verdict: Verdict, value: unknown): unknown {
    // A flag, a null or a word of NO_SECRET_WORDS holds no secret (`immutableSession: true`,
    // `credentials: "include"`); other strings, numbers (PINs, OTPs) and whole structures under a
    // secret name do.
    if (verdict === SECRET)
      return value === null || typeof value === "boolean" || (typeof value === "string" && holdsNoSecret(value)) ? value : REDACTED;
    // A header list under such a name is walked as any data is: its pairs and entries decide.
    if (verdict === HEADER_HELD) return typeof value === "string" ? heldInHeader(value) : value;
    // Numbers, flags and nulls are kept. A structure in a pair or an entry goes whole; below a
    // field, the walk reaches each of its values instead (see redact in redact-fields.ts).
    if (verdict === SECRETS || verdict === TOKENS) {
      if (typeof value === "string") return value === "" || (verdict === TOKENS && !isTokenSecret(value)) ? value : REDACTED;
      return typeof value === "object" && value !== null ? REDACTED : value;
    }
    const one = verdict === IP ? hash : verdict === SESSION ? hashSession : hashForwarded;
    if (typeof value === "string") return one(value);
    if (verdict === SESSION && typeof value === "number") return one(String(value));
    if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? one(v) : v));
    return value;
  }

  const redactSecret = (value: string) => (holdsNoSecret(value) ? value : REDACTED);
  function namedValue(name: string): ((value: string) => string) | undefined {
    switch (verdictOf(name)) {
      case SECRET:
        return redactSecret;
      case HEADER_HELD:
        return heldInHeader;
      case SECRETS:
        return redactUnlessCount;
      case TOKENS:
        return redactTokenSecret;
      case IP:
        return hash;
      case SESSION:
        return hashSession;
      case FORWARDED:
        return hashForwarded;
      default:
        return undefined;
    }
  }

  return { verdictOf, nameVerdictOf, replacement, namedValue, hash, hashSession, hashSecretName };
}

/**
 * A word ending a name that says how its value is held, not what it is: a header, a value, a
 * second entry to confirm it, an encoding or a version. Only a name that then ends in a secret's
 * is one (`tokenValue`, not `cacheValue`). A digest's name is not: `tokenSha256` is logged so that
 * a token can be told apart without being shown.
 */
const HOLDER_WORD =
  /[-_. ]?(?:headers?|value|confirmation|confirm|repeat|again|retype|pem|der|jwk|b32|base32|b64|base64|hex|raw|plain(?:text)?|string|str|v\d+)$/i;
const HEADER_WORD = /headers?$/i;

/**
 * Words that hold no secret under any name: a flag or a mode written as text
 * (`"access-control-allow-credentials": "true"`, fetch's `credentials: "include"`, `auth: "none"`).
 */
const NO_SECRET_WORDS = new Set([
  REDACTED,
  "",
  "true",
  "false",
  "null",
  "undefined",
  "none",
  "include",
  "omit",
  "same-origin",
  "required",
  "optional",
]);

function holdsNoSecret(value: string): boolean {
  return NO_SECRET_WORDS.has(value);
}

/** What a header-held value becomes: kept when it is a header's name (`x-api-key`, `Authorization`), else redacted. */
function heldInHeader(value: string): string {
  return holdsNoSecret(value) || looksLikeHeaderName(value) ? value : REDACTED;
}

/**
 * Digits ending a key. This and END_NUMBER start only where their run starts (the look-behinds):
 * `$` tried from every character of a long run of digits or dashes is quadratic in a key's length.
 */
const END_DIGITS = /(?<!\d)\d+$/;
/** A number ending a key after a separator: the last word of `x-sig-256` and `x-auth-2` is the one before. */
const END_NUMBER = /(?<![\W_])[\W_]+\d+$/;
/** A word of WORD_REDACT_FIELDS with digits attached (WordPress's `pass1`, `pass2`); `auth0` names a product. */
const NUMBERED_WORD = /^(?:pass|sig)\d+$/;

/** A name without the digits it ends with: GitHub's X-Hub-Signature-256, a second password2. */
function withoutEndDigits(normalized: string): string {
  return normalized.replace(END_DIGITS, "");
}

/** The names of secrets that are numbers: their plurals hold such numbers, not counts. */
const NUMERIC_SECRET = /(?:otp|cvv|cvc|pin|code|number|ssn|card)$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
