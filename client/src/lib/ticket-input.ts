/** Client-side checks that mirror the tickets service's rules, so most mistakes never leave the page. */

export const MAX_TITLE_LENGTH = 200;
export const MAX_PRICE = 1_000_000;

export interface TicketInput {
  title: string;
  price: string;
}

export type TicketInputErrors = Partial<Record<keyof TicketInput, string>>;

const NUMBER_PATTERN = /^(\d+\.?\d*|\.\d+)$/;

function cleanPrice(input: string): string {
  return input.trim().replace(/^\$/, '').replace(/,/g, '');
}

/** The price the API expects (a JSON number) from what the seller typed ("20", "20.5", "$1,000.00"). */
export function parsePrice(input: string): number | undefined {
  const cleaned = cleanPrice(input);
  if (!NUMBER_PATTERN.test(cleaned) || (cleaned.split('.')[1]?.length ?? 0) > 2) return undefined;
  return Number(cleaned);
}

export function validateTicketInput({ title, price }: TicketInput): TicketInputErrors {
  const errors: TicketInputErrors = {};
  const trimmed = title.trim();
  if (trimmed === '') errors.title = 'Title is required';
  else if ([...trimmed].length > MAX_TITLE_LENGTH)
    errors.title = `Title must be at most ${MAX_TITLE_LENGTH} characters`;

  const cleaned = cleanPrice(price);
  const value = parsePrice(price);
  if (cleaned === '') errors.price = 'Price is required';
  else if (!NUMBER_PATTERN.test(cleaned)) errors.price = 'Price must be a number, like 20 or 20.50';
  else if (value === undefined) errors.price = 'Price must have at most 2 decimal places';
  else if (value <= 0) errors.price = 'Price must be greater than 0';
  else if (value > MAX_PRICE) errors.price = 'Price must be at most 1,000,000';
  return errors;
}
