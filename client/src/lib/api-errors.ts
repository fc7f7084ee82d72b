import type { ApiErrorItem } from './types';

/** What a form shows after a failed request: messages under inputs, and the rest in one alert. */
export interface ErrorState {
  fields: Partial<Record<string, string>>;
  form: string[];
}

export const NO_ERRORS: ErrorState = Object.freeze({ fields: {}, form: [] }) as ErrorState;

export const UNREACHABLE_MESSAGE = 'We could not reach the server. Check your connection and try again.';

interface ResponseLike {
  status?: number;
  data?: unknown;
}

function errorItems(data: unknown): ApiErrorItem[] | undefined {
  if (typeof data !== 'object' || data === null || !('errors' in data)) return undefined;
  const { errors } = data as { errors: unknown };
  if (!Array.isArray(errors)) return undefined;
  const items = errors.filter(
    (item): item is ApiErrorItem => typeof item === 'object' && item !== null && typeof item.message === 'string',
  );
  return items.length > 0 ? items : undefined;
}

/** The items of a failed request's `errors` answer; none when it got no such answer. */
export function apiErrorItems(error: unknown): ApiErrorItem[] {
  const response = (error as { response?: ResponseLike } | null)?.response;
  return errorItems(response?.data) ?? [];
}

/** Whether a failed request was answered with one of `codes` (README → Error codes). */
export function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  return apiErrorItems(error).some((item) => codes.includes(item.code));
}

/**
 * Sorts an API failure into field errors (for the fields this form has) and form-level messages;
 * a network failure or an answer without the `errors` body becomes one clear form-level message.
 */
export function toErrorState(error: unknown, formFields: readonly string[] = []): ErrorState {
  const response = (error as { response?: ResponseLike } | null)?.response;
  if (!response) return { fields: {}, form: [UNREACHABLE_MESSAGE] };
  const items = errorItems(response.data);
  if (!items) {
    const status = response.status ?? 0;
    const message =
      status >= 500
        ? 'The service is unavailable right now. Please try again in a moment.'
        : `The request failed (HTTP ${status}). Please try again.`;
    return { fields: {}, form: [message] };
  }
  const state: ErrorState = { fields: {}, form: [] };
  for (const item of items) {
    if (item.field && formFields.includes(item.field)) {
      state.fields[item.field] ??= item.message;
    } else if (!state.form.includes(item.message)) {
      state.form.push(item.message);
    }
  }
  return state;
}

export function hasErrors(state: ErrorState): boolean {
  return state.form.length > 0 || Object.values(state.fields).some(Boolean);
}
