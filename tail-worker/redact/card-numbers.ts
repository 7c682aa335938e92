import { REDACTED } from "./secret-text";

/**
 * Payment card numbers written anywhere (a request body logged whole, a form dump, an error that
 * quotes its input): PCI DSS forbids keeping one readable, and no field name need say what it is.
 * A run of 14 to 19 digits, together or in groups split by a space or a dash, is taken for one
 * when its issuer prefix and length match a card network's and its Luhn check digit is right.
 * About one random number in ten passes the Luhn check alone; the prefix and length rules leave
 * ids and timestamps (13-digit milliseconds start with 1) mostly alone. Networks whose numbers
 * can be shorter (Visa's old 13 digits, Maestro's 12 or 13) are matched at their usual lengths
 * only, so that 13-digit ids are not taken for cards.
 */
const CANDIDATE_SOURCE = "(?<![\\w.+/-])[2-6]\\d{3}(?:[ -]?\\d){10,15}(?![\\w/]|[.-]\\d)";
const CANDIDATE = new RegExp(CANDIDATE_SOURCE);
const CANDIDATES = new RegExp(CANDIDATE_SOURCE, "g");

/** The fewest characters a candidate has (14 digits written together). */
const MIN_CARD_LENGTH = 14;

/** The text with every card number redacted: cheap for text with none (one native search). */
export function redactCardNumbers(text: string): string {
  if (text.length < MIN_CARD_LENGTH || !CANDIDATE.test(text)) return text;
  return text.replace(CANDIDATES, (candidate) => {
    const card = cardPrefixLength(candidate);
    return card === 0 ? candidate : `${REDACTED}${candidate.slice(card)}`;
  });
}

/**
 * How many characters at the start of a candidate are a card number, 0 when none are: the whole
 * run, or a shorter run ending where a group ends (a card number followed by its expiry or CVC).
 */
function cardPrefixLength(candidate: string): number {
  let digits = "";
  const ends: number[] = [];
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    digits += candidate[i];
    const next = candidate.charCodeAt(i + 1);
    // A digit where the candidate or a group ends: a card number may end after it.
    if (Number.isNaN(next) || next === 32 || next === 45) ends[digits.length] = i + 1;
  }
  for (let length = digits.length; length >= MIN_CARD_LENGTH; length--) {
    const end = ends[length];
    if (end !== undefined && isCardNumber(digits.slice(0, length))) return end;
  }
  return 0;
}

/**
 * Whether a number in data is a card number written as a JSON number. Most numbers are below 10^13
 * (13-digit millisecond timestamps among them) and cost one comparison.
 */
export function isCardNumberValue(value: number): boolean {
  return value >= 1e13 && value < 1e19 && Number.isInteger(value) && isCardNumber(String(value));
}

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
    ((p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || p2 === 62 || (p4 >= 3528 && p4 <= 3589)) && n >= 16) || // Discover, UnionPay, JCB
    (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14) || // Diners Club
    ((p2 === 50 || (p2 >= 56 && p2 <= 58) || p2 === 67) && n >= 16); // Maestro
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
