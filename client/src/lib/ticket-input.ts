/** Client-side checks that mirror the tickets service's rules, so most mistakes never leave the page. */

export const MAX_TITLE_LENGTH = 200;
export const MAX_PRICE = 1_000_000;

export interface TicketInput {
  title: string;
  price: string;
}

export type TicketInputErrors = Partial<Record<keyof TicketInput, string>>;

/** What sellers type for a price: a plain decimal ("20", "20.5", ".5"). */
const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;
/** Any number, signed or in scientific notation: enough to call "−1" and "1e9" too low or too high rather than not numbers. */
const NUMERIC = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function cleanPrice(input: string): string {
  // A typographic minus (U+2212) is a minus.
  return input
    .trim()
    .replace(/^\$/, '')
    .replace(/,/g, '')
    .replace(/^\u2212/, '-');
}

/** The price the API expects (a JSON number) from what the seller typed ("20", "20.5", "$1,000.00"). */
export function parsePrice(input: string): number | undefined {
  const cleaned = cleanPrice(input);
  if (!DECIMAL.test(cleaned) || (cleaned.split('.')[1]?.length ?? 0) > 2) return undefined;
  return Number(cleaned);
}

/** The longest section, row or seat, in characters (the tickets service's rule). */
export const MAX_SEAT_PART_LENGTH = 20;

/** What a seller may add to a listing for a catalog event: what the ticket cost, and where the seat is. */
export interface EventListingInput {
  faceValue: string;
  section: string;
  row: string;
  seat: string;
}

export type EventListingErrors = Partial<Record<keyof EventListingInput, string>>;

/** Face value and seat are optional; a seat is all three parts or none. */
export function validateEventListing(input: EventListingInput): EventListingErrors {
  const errors: EventListingErrors = {};
  if (input.faceValue.trim() !== '') {
    const problem = validateTicketInput({ title: 'x', price: input.faceValue }).price;
    if (problem) errors.faceValue = problem.replace(/^Price/, 'Face value');
  }
  const parts = (['section', 'row', 'seat'] as const).map((name) => [name, input[name].trim()] as const);
  if (parts.some(([, value]) => value !== '')) {
    for (const [name, value] of parts) {
      const label = name[0]!.toUpperCase() + name.slice(1);
      if (value === '') errors[name] = `${label} is required with the rest of the seat`;
      else if ([...value].length > MAX_SEAT_PART_LENGTH)
        errors[name] = `${label} must be at most ${MAX_SEAT_PART_LENGTH} characters`;
    }
  }
  return errors;
}

export function validateTicketInput({ title, price }: TicketInput): TicketInputErrors {
  const errors: TicketInputErrors = {};
  const trimmed = title.trim();
  if (trimmed === '') errors.title = 'Title is required';
  else if ([...trimmed].length > MAX_TITLE_LENGTH)
    errors.title = `Title must be at most ${MAX_TITLE_LENGTH} characters`;

  const cleaned = cleanPrice(price);
  const value = Number(cleaned);
  if (cleaned === '') errors.price = 'Price is required';
  else if (!NUMERIC.test(cleaned)) errors.price = 'Price must be a number, like 20 or 20.50';
  // The size first: "-1" is a price too low and "1e9" one too high, whatever their form.
  else if (value <= 0) errors.price = 'Price must be greater than 0';
  else if (value > MAX_PRICE) errors.price = 'Price must be at most 1,000,000';
  else if (!DECIMAL.test(cleaned)) errors.price = 'Price must be a number, like 20 or 20.50';
  else if (parsePrice(price) === undefined) errors.price = 'Price must have at most 2 decimal places';
  return errors;
}
