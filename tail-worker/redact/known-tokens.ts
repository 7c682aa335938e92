import { REDACTED } from "./secret-text";

/**
 * Credentials that name themselves: their issuers give them a fixed prefix (or, for webhooks, a
 * fixed host and path) so that leak scanners can find them, and so can redaction, with nothing in front naming the value a secret
 * (`console.log(\`charging with ${key}\`)`, a header or a field with a plain name, a map keyed by
 * API key). Each form needs a word boundary before it and a body at least as long as its issuer's
 * after its prefix, so that ordinary words ("task-runner", "skip_live_check") are not taken for one.
 */
const KNOWN_TOKEN_FORMS = [
  "cf(?:k|ut|at)_[0-9A-Za-z]{40,}", // Cloudflare Global API key, user and account API tokens
  "(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}", // Stripe secret and restricted keys
  "whsec_[0-9A-Za-z+/=]{24,}", // Stripe webhook signing secrets
  "gh[pousr]_[0-9A-Za-z]{30,}", // GitHub tokens
  "github_pat_\\w{40,}", // GitHub fine-grained tokens
  "glpat-[\\w-]{20,}", // GitLab personal access tokens
  "gl(?:sa|c)_[\\w-]{20,}", // Grafana service account and cloud tokens
  "xox[abeposr]-[0-9A-Za-z-]{15,}", // Slack tokens (xoxe-: refresh tokens)
  "xapp-[0-9A-Za-z-]{15,}", // Slack app tokens
  "A(?:KIA|SIA)[0-9A-Z]{16,}", // AWS access key ids
  "AIza[\\w-]{35,}", // Google API keys
  // OpenAI (sk-proj-, sk-svcacct-, sk-admin-, and the older sk- with 32+ letters and digits) and
  // Anthropic (sk-ant-api03-…) and OpenRouter (sk-or-v1-…) keys; not after a "-" (the "-sk-" of a
  // pod name or base64url text).
  "(?<!-)sk-(?:(?:proj|svcacct|admin|ant-(?:api|admin)\\d\\d|or-v1)-[\\w-]{20,}|[0-9A-Za-z]{32,})",
  "npm_[0-9A-Za-z]{36,}", // npm tokens
  "hf_[0-9A-Za-z]{30,}", // Hugging Face tokens
  "SG\\.[\\w-]{16,}\\.[\\w-]{16,}", // SendGrid keys
  "shp(?:at|ca|pa|ss)_[0-9a-fA-F]{32,}", // Shopify tokens
  "pypi-[\\w-]{50,}", // PyPI tokens
  "do[opr]_v1_[0-9a-f]{64}", // DigitalOcean tokens
  "lin_api_[0-9A-Za-z]{40,}", // Linear keys
  "sntry[su]_[\\w=+/-]{30,}", // Sentry auth tokens
  "PMAK-[0-9a-f-]{40,}", // Postman keys
  "ya29\\.[\\w-]{20,}", // Google OAuth access tokens
  "1//0[\\w-]{30,}", // Google OAuth refresh tokens
  "gsk_[0-9A-Za-z]{40,}", // Groq keys
  "xai-[0-9A-Za-z]{40,}", // xAI keys
  "r8_[0-9A-Za-z]{30,}", // Replicate tokens
  "tskey-[a-z]+-[0-9A-Za-z]{10,}-[0-9A-Za-z]{20,}", // Tailscale keys
  "AGE-SECRET-KEY-1[0-9A-Z]{50,}", // age private keys
  "sk\\.eyJ[\\w-]{20,}\\.[\\w-]{10,}", // Mapbox secret tokens
  "sbp_[0-9a-f]{40}", // Supabase personal access tokens
  "sb_secret_[\\w-]{20,}", // Supabase secret keys
  "pplx-[0-9A-Za-z]{40,}", // Perplexity keys
  "sk_[0-9a-f]{48}", // ElevenLabs keys
  "ntn_[0-9A-Za-z]{40,}", // Notion tokens
  "ATATT3[\\w=-]{100,}", // Atlassian API tokens
  "dp\\.(?:st|ct|sa|scim|audit)\\.[\\w.-]{40,}", // Doppler tokens
  // Webhook URLs whose path is the credential: whoever holds one can post.
  "hooks\\.slack\\.com/(?:services|workflows|triggers)/[\\w/-]{10,}", // Slack incoming webhooks
  "discord(?:app)?\\.com/api/webhooks/\\d+/[\\w-]{20,}", // Discord webhooks
  "webhook\\.office\\.com/webhookb2/[\\w@/-]{20,}", // Microsoft Teams incoming webhooks
];

/**
 * Telegram bot tokens (also in their API's paths: `/bot<token>/sendMessage`). Led by digits, the
 * form would make the search stop at every number: it is searched for only where ":AA" is.
 */
const TELEGRAM_MARK = ":AA";
const TELEGRAM = "(?:bot)?\\d{8,10}:AA[\\w-]{33}";

const FORMS = KNOWN_TOKEN_FORMS.join("|");
/** At a word boundary: the usual place of a credential. */
const AT_WORD = `\\b(?:${FORMS})`;
/**
 * Glued to an escape of text written as JSON (`"out: \\nghp_…"`) or to a percent-encoded
 * character (`%3Dghp_…` in a URL's path), where no word boundary is. A search of its own, only
 * for text holding a backslash or a percent sign: led by a look-behind, it costs every character.
 */
const GLUED = `(?<=\\\\[nrt]|%[0-9A-Fa-f]{2})(?:${FORMS})`;
const KNOWN_TOKEN = new RegExp(AT_WORD);
const GLUED_TOKEN = new RegExp(GLUED);
const TELEGRAM_TOKEN = new RegExp(`\\b${TELEGRAM}`);
const KNOWN_TOKENS = new RegExp(`${AT_WORD}|${GLUED}|\\b${TELEGRAM}`, "g");

/** The shortest text any form matches (AKIA and 16 characters): shorter strings are not searched. */
export const MIN_KNOWN_TOKEN_LENGTH = 20;

/** Whether a text holds a credential of a known form. One native search, about 1 ns a character. */
export function holdsKnownToken(text: string): boolean {
  if (text.length < MIN_KNOWN_TOKEN_LENGTH) return false;
  return (
    KNOWN_TOKEN.test(text) ||
    ((text.indexOf("\\") !== -1 || text.indexOf("%") !== -1) && GLUED_TOKEN.test(text)) ||
    (text.indexOf(TELEGRAM_MARK) !== -1 && TELEGRAM_TOKEN.test(text))
  );
}

/** The text with every credential of a known form redacted. */
export function redactKnownTokens(text: string): string {
  return holdsKnownToken(text) ? text.replace(KNOWN_TOKENS, REDACTED) : text;
}
