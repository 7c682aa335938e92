import { REDACTED } from "./secret-text";

/**
 * Payment card numbers written into a string (a request body logged whole, a form dump, an error
 * that quotes its input, a URL path): PCI DSS forbids keeping one readable, and no field name need
 * say what it is. A number of 15 to 19 digits, written together or in groups split by a space or a
 * dash, is taken for one when its issuer prefix and length match one of the common networks' (Visa,
 * Mastercard, American Express, Discover, JCB) and its Luhn check digit is right. Even so about 2
 * in 100 random 16-digit numbers pass: an id of 16 digits or more written as a string can be taken
 * for a card. Numbers in data (JSON numbers) are not searched: numeric ids of that length are
 * common there (Shopify's, for one), card numbers rare.
 */
const RUN_SOURCE = "(?<![\\w.+-])\\d(?:[ -]?\\d){14,47}(?![\\w]|[.-]\\d)";
/** A run of 15 to 48 digits, together or in groups, that no letter or digit continues. */
const RUN = new RegExp(RUN_SOURCE);
const RUNS = new RegExp(RUN_SOURCE, "g");

const MIN_CARD_DIGITS = 15;
const MAX_CARD_DIGITS = 19;

/** The text with every card number redacted: one native search for text with none. */
export function redactCardNumbers(text: string): string {
  if (text.length < MIN_CARD_DIGITS || !RUN.test(text)) return text;
  return text.replace(RUNS, redactCardsInRun);
}

/**
 * A run of digits with the card numbers in it redacted. A card starts where the run or a group
 * starts and ends where the run or a group ends: `paid 2500 4111 1111 1111 1111 12/29` holds one
 * after an amount, and what follows a card (its expiry, a CVC) is kept.
 */
function redactCardsInRun(run: string): string {
  // Where each digit is, and which digits start and end a group.
  const at: number[] = [];
  const starts: boolean[] = [];
  const ends: boolean[] = [];
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    starts[at.length] = i === 0 || run.charCodeAt(i - 1) === 32 || run.charCodeAt(i - 1) === 45;
    const next = run.charCodeAt(i + 1);
    ends[at.length] = Number.isNaN(next) || next === 32 || next === 45;
    at.push(i);
  }
  let digits = "";
  for (const i of at) digits += run[i];
  let out = "";
  let copied = 0;
  for (let first = 0; first + MIN_CARD_DIGITS <= digits.length; first++) {
    if (!starts[first]) continue;
    for (let length = Math.min(MAX_CARD_DIGITS, digits.length - first); length >= MIN_CARD_DIGITS; length--) {
      const last = first + length - 1;
      if (!ends[last] || !isCardNumber(digits.slice(first, last + 1))) continue;
      out += `${run.slice(copied, at[first])}${REDACTED}`;
      copied = at[last]! + 1;
      first = last;
      break;
    }
  }
  return copied === 0 ? run : out + run.slice(copied);
}

/**
 * Whether a JSON number is a card number by where it stands: under a card's own short names
 * (`pan`, `cardNo`, `ccNum`), or as the `number` of a record that is plainly a card (it has an
 * expiry, a CVC, a brand or last four digits beside it: `{"card":{"number":4242…,"exp":…}}`).
 * Numbers elsewhere are ids (orders', parcels', Shopify's) far more often than cards, and are kept.
 */
export function isCardNumberValue(name: string, value: number, record: Record<string, unknown>): boolean {
  if (value < 1e14 || !Number.isSafeInteger(value)) return false;
  const named =
    CARD_FIELDS.has(name.toLowerCase().replace(/[^a-z]/g, "")) || (name === "number" && CARD_SIBLINGS.some((field) => field in record));
  return named && isCardNumber(String(value));
}

const CARD_FIELDS = new Set(["pan", "cardno", "cardnum", "ccnum", "ccno", "cc", "ccn", "primaryaccountnumber"]);
const CARD_SIBLINGS = ["exp", "expiry", "expiration", "expMonth", "exp_month", "expYear", "exp_year", "cvc", "cvv", "brand", "last4"];

/** Whether digits are a card number: a network's prefix and length, and a right Luhn check digit. */
export function isCardNumber(digits: string): boolean {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const network =
    (digits[0] === "4" && (n === 16 || n === 19)) || // Visa
    (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) || // Mastercard
    ((p2 === 34 || p2 === 37) && n === 15) || // American Express
    ((p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65) && n >= 16) || // Discover
    (p4 >= 3528 && p4 <= 3589 && n >= 16); // JCB
  return network && luhnValid(digits);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
