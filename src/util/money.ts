// Money parsing and formatting: amounts are integer cents everywhere below the renderer.
import { halfWidth } from './width.js';

const PLAIN_AMOUNT = /^(\d{1,13})(?:\.(\d{1,2}))?$/;
const CURRENCY = /^(?:[¥￥$€£]|RMB|CNY|USD|EUR)\s*|\s*(?:[¥￥$€£元]|RMB|CNY|USD|EUR)$/gi;

export interface MoneyParseOptions {
  /** --decimal-comma: "1.234,50" and "99,95" (a comma before the decimals, dots or spaces between thousands). */
  decimalComma?: boolean;
}

/** 1.234, 12.500: three digits after the only dot of a short number, as a thousands dot writes a whole number. */
const AMBIGUOUS_DOT = /^[1-9]\d{0,2}\.\d{3}$/;
/** 1,234 under --decimal-comma: a thousands comma, or three decimals? */
const AMBIGUOUS_COMMA = /^[1-9]\d{0,2},\d{3}$/;
const COMMA_GROUPS = /^\d{1,3}([,\s\u00a0\u202f]\d{3})+(\.\d+)?$/;
const DOT_GROUPS = /^\d{1,3}([.\s\u00a0\u202f]\d{3})+(,\d+)?$/;
const DECIMAL_COMMA = /^(\d+(,\d*)?|,\d+)$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

/**
 * Parses a decimal amount into integer cents: "1234.5", "1,234.50", "¥1,234.50", "$12", "-3.5",
 * "12元", "(12.00)" (accounting negative), full-width "１２.００". With decimalComma: "1.234,50", "99,95".
 * "1.234" is refused without decimalComma and "1,234" with it: a thousands separator or three decimals
 * (docs/rules.md#money). More decimals are rounded half away from zero. Returns null when the text is not an amount.
 */
export function parseMoneyToCents(raw: string, options: MoneyParseOptions = {}): number | null {
  // The common case, a plain amount such as 1234.5, without the regular expressions below.
  if (!options.decimalComma) {
    const plain = PLAIN_AMOUNT.exec(raw);
    if (plain) return Number(plain[1]) * 100 + (plain[2] === undefined ? 0 : Number(plain[2].length === 1 ? `${plain[2]}0` : plain[2]));
  }
  let text = halfWidth(raw).trim();
  let negative = false;
  const paren = /^[(（](.*)[)）]$/.exec(text);
  if (paren) {
    negative = true;
    text = paren[1]!.trim();
  }
  const stripSign = (): void => {
    const sign = /^([-−+])\s*/.exec(text);
    if (sign) {
      if (sign[1] !== '+') negative = !negative;
      text = text.slice(sign[0].length);
    }
  };
  stripSign();
  const withoutCurrency = text.replace(CURRENCY, '').trim();
  // A sign may also follow the currency sign ("¥-3.50"), but only one sign in all.
  if (withoutCurrency !== text && !/^[-−+]/.test(text)) {
    text = withoutCurrency;
    if (!negative) stripSign();
  } else {
    text = withoutCurrency;
  }
  if (options.decimalComma) {
    // Thousands separators: dots or spaces between groups of three digits; then the comma is the decimal point.
    if (DOT_GROUPS.test(text)) text = text.replace(/[.\s\u00a0\u202f]/g, '');
    else if (AMBIGUOUS_COMMA.test(text)) return null;
    if (!DECIMAL_COMMA.test(text)) return null;
    text = text.replace(',', '.');
  } else {
    if (AMBIGUOUS_DOT.test(text)) return null;
    // Thousands separators: commas or spaces between groups of three digits.
    if (COMMA_GROUPS.test(text)) text = text.replace(/[,\s\u00a0\u202f]/g, '');
    if (!DECIMAL.test(text)) return null;
  }
  const [whole = '', fraction = ''] = text.split('.');
  if (whole.length > 13) return null; // beyond 10^13 currency units is not an amount a CRM holds
  const digits = (fraction + '000').slice(0, 3);
  // Round half away from zero on the third decimal.
  let cents = Number(whole || '0') * 100 + Number(digits.slice(0, 2)) + (Number(digits[2]) >= 5 ? 1 : 0);
  if (!Number.isSafeInteger(cents)) return null;
  if (negative && cents !== 0) cents = -cents;
  return cents;
}

/**
 * Why parseMoneyToCents refused an amount, when the other decimal mark would have read it: "1.234" (three decimals,
 * or a thousands dot?), "99,95" (a decimal comma?). Null when that does not read either.
 */
export function otherDecimalMarkReading(raw: string, options: MoneyParseOptions = {}): { cents: number; ambiguous: boolean } | null {
  const cents = parseMoneyToCents(raw, { decimalComma: !options.decimalComma });
  if (cents === null) return null;
  const bare = halfWidth(raw).trim().replace(/^[(（\-−+]+|[)）]$/g, '').replace(CURRENCY, '').trim().replace(/^[-−+]/, '');
  return { cents, ambiguous: (options.decimalComma ? AMBIGUOUS_COMMA : AMBIGUOUS_DOT).test(bare) };
}

/**
 * "1234567.891" with grouped thousands: "1,234,567.89" (fixed decimals). Written out because the first
 * toLocaleString call loads ICU locale data (about 10 ms here), which every table would pay at start-up.
 */
export function formatNumber(value: number, decimals = 0): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Cents to currency units as a number (for JSON/CSV): 123456 → 1234.56. */
export function centsToUnits(cents: number): number {
  return Math.round(cents) / 100;
}

/** Cents to "1,234.56" (grouped) or "1234.56" (plain). */
export function formatCents(cents: number, grouped = true): string {
  const negative = cents < 0;
  const absolute = Math.abs(Math.round(cents));
  const whole = Math.floor(absolute / 100);
  const fraction = String(absolute % 100).padStart(2, '0');
  const wholeText = grouped ? formatNumber(whole) : String(whole);
  return `${negative ? '-' : ''}${wholeText}.${fraction}`;
}
