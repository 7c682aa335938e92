/**
 * URL and form parameters whose names say nothing secret but whose values are credentials: an
 * API key passed as `key=…`, an OAuth authorization code as `code=…`.
 */

import type { ParameterMatch } from "./text-matches";

/** An API key's characters and length: letters, digits, `_` and `-`, at least one digit. */
const API_KEY_VALUE = /^(?=[^\d]*\d)[\w-]{16,}$/;
/**
 * An OAuth authorization code: random, so small and capital letters and digits (Google's
 * `4%2F0A…`, Auth0's, Okta's), or 20 hex digits or more (GitHub's); promotion codes, SKUs and
 * error codes are not (`SUMMER2024SALE50OFF`, `promo-summer2024-50off`, `invalid_request2`).
 */
const AUTHORIZATION_CODE_VALUE = /^(?:[0-9a-f]{20,}|(?=[^\d]*\d)(?=[^a-z]*[a-z])(?=[^A-Z]*[A-Z])[\w.~%/-]{16,})$/;
/** A token request that exchanges an authorization code: its `code=` may come first in the body. */
const CODE_EXCHANGE = "grant_type=authorization_code";

/**
 * A parameter whose name alone names nothing secret but whose value reads as a credential:
 * `key=…` in a URL (after `?`, `&` or `#`), Google's and many other APIs' way to pass an API key,
 * and `code=…`, the authorization code an OAuth redirect carries and a token request exchanges
 * (it buys tokens). Only then: `key` also passes R2 object keys (`?key=photos/cat.jpg`), `code`
 * error and promotion codes, and as a field, or first in a logfmt line, either names anything.
 */
export function isCredentialParameter(parameter: ParameterMatch, text: string): boolean {
  const { name, value } = parameter;
  const separated = parameter.end - value.length - 1 - name.length > parameter.index;
  if (name.length === 3) return separated && name.toLowerCase() === "key" && API_KEY_VALUE.test(value);
  return (
    name.length === 4 &&
    name.toLowerCase() === "code" &&
    (separated || text.indexOf(CODE_EXCHANGE) !== -1) &&
    AUTHORIZATION_CODE_VALUE.test(value)
  );
}
