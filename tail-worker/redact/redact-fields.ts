import type { SecurityConfig } from "../../schemas/config/config";
import { boundedMemo } from "../../schemas/lib/bounded-memo";
import { setOwn } from "../../schemas/lib/own-property";
import { isCardNumberValue } from "./card-numbers";
import { flagName, redactUserOption } from "./command-line";
import { isCredentialParameter } from "./credential-parameters";
import { entryName, entryValueKey, holdsSecretByType } from "./entries";
import {
  fieldVerdicts,
  HEADER_HELD,
  IP,
  judgesValue,
  NAME_HOLDS_SECRET,
  PLAIN,
  SECRET,
  SECRETS,
  SESSION,
  TOKENS,
  type Verdict,
} from "./field-verdicts";
import { redactProgramArgv } from "./program-passwords";
import { REDACTED, secretText, textMayHoldSecret } from "./secret-text";
import { redactSelfEvident } from "./self-evident";
import { decodeName, nextParameter } from "./text-matches";
import { isTokenSecret, readsAsSecret } from "./value-shapes";

export interface Redactor {
  /**
   * Redacts data in place, at any depth: values of secret-named fields, what lies below the
   * plural of a secret's name (see SECRETS and TOKENS in field-verdicts.ts), the value of a
   * `[name, value]` pair or `{name, value}` entry whose name is secret, the element after a secret
   * flag (or curl's user option) in an argv array and the password in one of a program whose option
   * names nothing (see program-passwords.ts), credentials of a known form and card numbers in
   * any string (see known-tokens.ts, card-numbers.ts), the other secrets written inside any string
   * (see secret-text.ts; unless `scanStrings` is false: the caller knows no string holds one, see
   * lineMayHoldSecretText); client IPs become keyed hashes, and field names that are credentials of
   * a known form `secret:<hash>`. Answers whether anything was replaced.
   */
  redact(root: unknown, scanStrings?: boolean): boolean;
  /**
   * Object keys the last redact call met, at any depth: when it replaced nothing, every key of the
   * data (a walk that stops early counts fewer, never more).
   */
  keysWalked(): number;
  /**
   * Numbers the last redact call met that JSON cannot write: a line's `1e400` parses to Infinity,
   * which JSON.stringify writes as null.
   */
  nonFiniteWalked(): number;
  /**
   * Console text: secret query parameters (`?token=…`, `&api_key=…`, `#access_token=…`), values
   * after secret names (`password: …`, `"apiKey":"…"`, `token=…`), bearer tokens, JWTs, URL
   * passwords and credentials of a known form are redacted wherever they appear; in text joined
   * from several console arguments, also a credential-like word after a secret's name
   * (`token abc123`), and in other text one that reads as a secret (`Using token 9f8a…`).
   */
  redactText(text: string, argsJoined?: boolean): string;
  /** Prose already redacted as data: the word that reads as a secret after a secret's name. */
  redactProse(text: string): string;
  /** An event's name (`_event`, a diagnostics channel): redacted as text, each name once. */
  redactName(name: string): string;
}

/** Names repeat from event to event (a producer logs a few kinds): each is redacted once. */
const MAX_REDACTED_NAMES = 1_000;
/** Far more values than any event holds (a copy is cut at a million, a log line is at most 256 KB). */
const MAX_WALKED_NODES = 4_000_000;
const redactors = new WeakMap<SecurityConfig, Redactor>();
/** A URL inside a parameter inside a parameter: deeper nesting is not decoded. */
const MAX_DECODED_LEVELS = 3;

export function redactorFor(security: SecurityConfig): Redactor {
  let redactor = redactors.get(security);
  if (!redactor) {
    redactor = createRedactor(security);
    redactors.set(security, redactor);
  }
  return redactor;
}

function createRedactor(security: SecurityConfig): Redactor {
  const { verdictOf, nameVerdictOf, replacement, namedValue, hash, hashSession, hashSecretName } = fieldVerdicts(
    security,
    (name) => redactString(name) !== name,
  );
  const secrets = secretText(namedValue);

  function redactString(text: string): string {
    return redactSelfEvident(textMayHoldSecret(text) ? redactParameters(secrets.redactString(text)) : text);
  }

  /** A string value met in data: every form searched, or (`scanStrings` false) known credentials only. */
  function redactValue(text: string, scanStrings: boolean): string {
    return scanStrings ? redactString(text) : redactSelfEvident(text);
  }

  /**
   * Query and fragment parameters (see nextParameter), their names and values URL-decoded to judge
   * them. A plain parameter's encoded value is redacted as the text it decodes to: a URL passed
   * along (`next=%2Flogin%3Ftoken%3D…`, `redirect_uri=…`) holds parameters of its own.
   */
  function redactParameters(text: string): string {
    let out = "";
    let copied = 0;
    for (let parameter = nextParameter(text, 0); parameter !== null; parameter = nextParameter(text, parameter.end)) {
      const { name, value } = parameter;
      const verdict = isCredentialParameter(parameter, text) ? SECRET : verdictOf(decodeName(name));
      let replaced: string | undefined;
      // An empty value hides nothing (`password=>"…"` leaves one before its `>`).
      if (verdict === SECRET) replaced = value === REDACTED || value === "" ? undefined : REDACTED;
      else if (verdict === IP && value !== "") replaced = hash(decodeName(value));
      else if (verdict === SESSION && value !== "") replaced = hashSession(decodeName(value));
      else if (value.indexOf("%") !== -1) replaced = encodedValue(value);
      if (replaced === undefined) continue;
      out += `${text.slice(copied, parameter.end - value.length)}${replaced}`;
      copied = parameter.end;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /**
   * An encoded value whose decoded text holds a secret, encoded again once redacted; else
   * undefined. Up to MAX_DECODED_LEVELS deep: each level reads the whole value again, and hostile
   * text can nest as deep as it is long.
   */
  let decodedLevels = 0;
  function encodedValue(value: string): string | undefined {
    if (decodedLevels >= MAX_DECODED_LEVELS) return undefined;
    const decoded = decodeName(value);
    if (decoded === value) return undefined;
    decodedLevels++;
    try {
      const redacted = redactString(decoded);
      return redacted === decoded ? undefined : encodeURIComponent(redacted);
    } finally {
      decodedLevels--;
    }
  }

  /** Writes a replaced value back; `__proto__` as an own field, never as the object's prototype. */
  function replace(record: Record<string, unknown>, key: string, value: unknown): void {
    if (key === "__proto__") setOwn(record, key, value);
    else record[key] = value;
  }

  let walkedKeys = 0;
  let walkedNonFinite = 0;

  function redact(root: unknown, scanStrings = true): boolean {
    let changed = false;
    let nodes = 0;
    let keys = 0;
    let nonFinite = 0;
    const stack: unknown[] = [root];
    // What each node of the stack lies below: PLAIN, or the plural secret name SECRETS or TOKENS
    // (see stringUnder). Made when the first plural name is met: until then every node is PLAIN.
    let modes: Verdict[] | undefined;
    while (stack.length > 0) {
      const node = stack.pop();
      const mode = modes === undefined ? PLAIN : modes.pop()!;
      if (node === null || typeof node !== "object") continue;
      // Data is a tree (parsed JSON or a plain copy): no node is met twice. Should a bug ever hand
      // over a cycle, the walk stops with an error (the event is then marked) rather than spin.
      if (++nodes > MAX_WALKED_NODES) throw new Error(`more than ${MAX_WALKED_NODES} values to redact: not a tree`);
      if (Array.isArray(node)) {
        // An argv array of a program whose password option names nothing (`["mysql", "-p…"]`).
        if (node.length > 1 && typeof node[0] === "string" && redactProgramArgv(node, namedValue)) changed = true;
        // A pair on its own (not in a list, see below) when its value reads as a secret: `["x-api-key", "0123…"]`.
        if (node.length === 2 && typeof node[0] === "string" && typeof node[1] === "string" && readsAsSecret(node[1]) && judgePair(node))
          changed = true;
        for (let i = 0; i < node.length; i++) {
          const item = node[i];
          if (typeof item === "string") {
            // An argv array: a flag that names a secret decides for the element after it.
            if (item.charCodeAt(0) === 45 && i + 1 < node.length && redactFlagValue(node, i)) changed = true;
            const redacted = mode === PLAIN ? redactValue(item, scanStrings) : stringUnder(mode, item, scanStrings);
            if (redacted !== item) {
              node[i] = redacted;
              changed = true;
            }
          } else if (item !== null && typeof item === "object") {
            // A [name, value] pair in a list, as header lists hold them: the name decides for the
            // value. A pair on its own is more often a path (`path: ["auth", "token"]`): above.
            if (Array.isArray(item) && item.length === 2 && typeof item[0] === "string" && judgePair(item)) changed = true;
            stack.push(item);
            modes?.push(mode);
          } else if (typeof item === "number") {
            if (item - item !== 0) nonFinite++;
            else if (mode === SECRETS) {
              node[i] = REDACTED;
              changed = true;
            }
          }
        }
        continue;
      }
      const record = node as Record<string, unknown>;
      let secretNames = false;
      // for-in rather than Object.keys: no array per object, and V8 reads each value from its enum
      // cache. The objects are plain data, so it meets their own keys only (nothing in this isolate
      // adds enumerable keys to Object.prototype).
      for (const key in record) {
        keys++;
        const value = record[key];
        let verdict = nameVerdictOf(key) as Verdict;
        if (verdict >= NAME_HOLDS_SECRET) {
          secretNames = true;
          verdict = (verdict - NAME_HOLDS_SECRET) as Verdict;
        }
        if (verdict === PLAIN || verdict === SECRETS || verdict === TOKENS) {
          // Below a plural name its strings are secrets; its own number is a count (`secrets: 3`).
          const valueMode = verdict === PLAIN ? mode : verdict;
          if (typeof value === "string") {
            const redacted = valueMode === PLAIN ? redactValue(value, scanStrings) : stringUnder(valueMode, value, scanStrings);
            if (redacted !== value) {
              replace(record, key, redacted);
              changed = true;
            }
          } else if (value !== null && typeof value === "object") {
            if (valueMode !== PLAIN) modes ??= new Array<Verdict>(stack.length).fill(PLAIN);
            stack.push(value);
            modes?.push(valueMode);
          } else if (typeof value === "number") {
            if (value - value !== 0) nonFinite++;
            else if (mode === SECRETS || isCardNumberValue(key, value, record)) {
              replace(record, key, REDACTED);
              changed = true;
            }
          }
        } else if (
          verdict === SECRET ||
          typeof value === "string" ||
          (Array.isArray(value) && verdict !== HEADER_HELD) ||
          (verdict === SESSION && typeof value === "number")
        ) {
          const redacted = replacement(verdict, value);
          if (redacted !== value) {
            replace(record, key, redacted);
            changed = true;
          }
        } else if (value !== null && typeof value === "object") {
          stack.push(value);
          modes?.push(mode);
        } else if (typeof value === "number" && value - value !== 0) nonFinite++;
      }
      // An entry (see entries.ts): its name, or its type, decides for its value.
      const valueKey = entryValueKey(record);
      if (valueKey !== undefined) {
        const entry = entryName(record, valueKey);
        const value = record[valueKey];
        const verdict = holdsSecretByType(record)
          ? SECRET
          : entry === undefined || (entry.byShape && !(typeof value === "string" && readsAsSecret(value)))
            ? PLAIN
            : verdictOf(entry.name);
        if (judgesValue(verdict)) {
          const redacted = replacement(verdict, record[valueKey]);
          if (redacted !== record[valueKey]) {
            setOwn(record, valueKey, redacted);
            changed = true;
          }
        }
      }
      if (secretNames) {
        renameSecretNames(record);
        changed = true;
      }
    }
    walkedKeys = keys;
    walkedNonFinite = nonFinite;
    return changed;
  }

  function judgePair(pair: unknown[]): boolean {
    const verdict = verdictOf(pair[0] as string);
    if (!judgesValue(verdict)) return false;
    const value = replacement(verdict, pair[1]);
    if (value === pair[1]) return false;
    pair[1] = value;
    return true;
  }

  /**
   * A string below a plural secret name: SECRETS makes every one (but an empty one) a secret,
   * TOKENS only those that read as a credential rather than as a model's token (see
   * isTokenSecret); the others are searched as any string is.
   */
  function stringUnder(mode: Verdict, value: string, scanStrings: boolean): string {
    if (value === "" || value === REDACTED) return value;
    if (mode === SECRETS || isTokenSecret(value)) return REDACTED;
    return redactValue(value, scanStrings);
  }

  /**
   * Redacts `argv[at + 1]` when `argv[at]` is a flag naming a secret and that element is not a
   * flag too, or the password in it when `argv[at]` is curl's user option.
   */
  function redactFlagValue(argv: unknown[], at: number): boolean {
    const option = argv[at] as string;
    const flag = flagName(option);
    const verdict = flag === undefined ? PLAIN : verdictOf(flag);
    const value = argv[at + 1];
    if (typeof value === "string" && value.charCodeAt(0) === 45) return false;
    let redacted: unknown = value;
    if (judgesValue(verdict)) redacted = replacement(verdict, value);
    else if (typeof value === "string") redacted = redactUserOption(option, value, namedValue) ?? value;
    if (redacted === value) return false;
    argv[at + 1] = redacted;
    return true;
  }

  /**
   * Renames in place, keeping the order of the fields (JSON.stringify writes them in it): a name
   * holding a secret as text to that text redacted (`/login?token=[REDACTED]`), unless nothing else
   * would be left of it or another field has that name already; then, as a name that is a
   * credential, to `secret:<hash>`, which keeps every such name apart and every value.
   */
  function renameSecretNames(record: Record<string, unknown>): void {
    const keys = Object.keys(record);
    const names = new Set(keys);
    const values = keys.map((key) => record[key]);
    for (const key of keys) delete record[key];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      let name = key;
      if (nameVerdictOf(key) >= NAME_HOLDS_SECRET) {
        name = redactString(key);
        if (name === REDACTED || Object.hasOwn(record, name) || names.has(name)) name = hashSecretName(key);
      }
      setOwn(record, name, values[i]);
    }
  }

  function redactText(text: string, argsJoined = false): string {
    return argsJoined ? redactSelfEvident(redactParameters(secrets.redactJoinedArgs(text))) : secrets.redactProse(redactString(text));
  }

  const redactName = boundedMemo(redactString, MAX_REDACTED_NAMES);

  return {
    redact,
    redactText,
    redactProse: secrets.redactProse,
    redactName,
    keysWalked: () => walkedKeys,
    nonFiniteWalked: () => walkedNonFinite,
  };
}
