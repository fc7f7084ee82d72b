import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { ApiErrorItem } from '@/lib/types';

const config = { headers: new AxiosHeaders() } as InternalAxiosRequestConfig;

/** What axios rejects with when a service answers `status` with `{ errors }`. */
export function apiError(status: number, errors: ApiErrorItem[]): AxiosError {
  const response = { status, statusText: '', data: { errors }, headers: {}, config } as AxiosResponse;
  return new AxiosError(`Request failed with status code ${status}`, 'ERR_BAD_REQUEST', config, {}, response);
}

/** What axios rejects with when nothing answers. */
export function networkError(): AxiosError {
  return new AxiosError('Network Error', 'ERR_NETWORK', config, {});
}

/** A resolved axios response. */
export function ok<T>(data: T, status = 200): AxiosResponse<T> {
  return { status, statusText: '', data, headers: {}, config } as AxiosResponse<T>;
}

/** The text of what an input's `aria-describedby` names with `suffix` (`-error`, `-hint`), as a screen reader reads it. */
function describedBy(input: HTMLElement, suffix: string): string {
  const id = input
    .getAttribute('aria-describedby')
    ?.split(' ')
    .find((candidate) => candidate.endsWith(suffix));
  return document.getElementById(id ?? '')?.textContent ?? '';
}

/** The error shown under an input (TextField), empty when there is none. */
export const errorUnder = (input: HTMLElement): string => describedBy(input, '-error');

/** The hint shown with an input (TextField). */
export const hintOf = (input: HTMLElement): string => describedBy(input, '-hint');
