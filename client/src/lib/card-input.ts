/**
 * Card details as a buyer types them: formatting while typing and the checks a real checkout makes
 * before it sends anything (https://docs.stripe.com/testing lists numbers that pass them all).
 */

/** The digits of `input`, at most `max` of them. */
export function digitsOf(input: string, max = 19): string {
  return input.replace(/\D/g, '').slice(0, max);
}

/** American Express numbers start with 34 or 37, have 15 digits and a 4-digit security code. */
export function isAmex(cardNumber: string): boolean {
  return /^3[47]/.test(digitsOf(cardNumber));
}

/** The Luhn checksum every card number carries in its last digit. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** A card number in the groups printed on the card: 4-6-5 for American Express, groups of 4 otherwise. */
export function formatCardNumber(input: string): string {
  const digits = digitsOf(input);
  const groups = isAmex(digits) ? [4, 6, 5] : [4, 4, 4, 4, 3];
  const parts: string[] = [];
  let start = 0;
  for (const size of groups) {
    if (start >= digits.length) break;
    parts.push(digits.slice(start, start + size));
    start += size;
  }
  return parts.join(' ');
}

/**
 * The expiry date as MM/YY while it is typed: "1228" → "12/28"; the slash appears after the month
 * ("12" → "12/", a first digit above 1 is a month of its own: "4" → "04/") and goes with a
 * deletion, or the text would never get shorter.
 */
export function formatExpiry(input: string, previous = ''): string {
  let digits = digitsOf(input, 4);
  if (/^[2-9]$/.test(digits)) digits = `0${digits}`;
  const deleting = input.length < previous.length;
  if (digits.length > 2) return `${digits.slice(0, 2)}/${digits.slice(2)}`;
  if (digits.length === 2 && !deleting) return `${digits}/`;
  return digits;
}

/** Why the card number cannot be used, or undefined when it is a valid one. */
export function cardNumberError(input: string): string | undefined {
  if (input.trim() === '') return 'Enter your card number';
  if (/[^\d\s-]/.test(input)) return 'A card number has only digits';
  const digits = input.replace(/\D/g, '');
  if (digits.length < 12 || digits.length > 19 || (isAmex(digits) && digits.length !== 15)) {
    return 'Your card number is incomplete';
  }
  if (!passesLuhn(digits)) return 'Your card number is invalid: check it for a typo';
  return undefined;
}

/**
 * Why the expiry date cannot be used, or undefined when it is a real month not in the past. A card
 * is valid until the end of the month printed on it.
 */
export function expiryError(input: string, now: Date = new Date()): string | undefined {
  if (input.trim() === '') return 'Enter the expiry date';
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2})\s*$/.exec(input);
  if (!match) return 'Enter the expiry date as MM/YY';
  const month = Number(match[1]);
  if (month < 1 || month > 12) return 'The expiry month must be from 01 to 12';
  const year = 2000 + Number(match[2]);
  const thisMonth = now.getFullYear() * 12 + now.getMonth();
  if (year * 12 + (month - 1) < thisMonth) return 'Your card has expired: the expiry date is in the past';
  return undefined;
}

/** Why the security code cannot be used: 4 digits for American Express, 3 for the others. */
export function cvcError(input: string, cardNumber: string): string | undefined {
  if (input.trim() === '') return 'Enter the security code';
  const length = isAmex(cardNumber) ? 4 : 3;
  if (!new RegExp(`^\\d{${length}}$`).test(input.trim())) {
    return isAmex(cardNumber)
      ? 'The security code of an American Express card is the 4 digits on its front'
      : 'The security code is the 3 digits on the back of the card';
  }
  return undefined;
}
