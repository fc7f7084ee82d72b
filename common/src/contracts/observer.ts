import type { RequestHandler } from 'express';
import type { ServiceApi } from '../api/operation';

/** An answer a service sent, as a contract check sees it. */
export interface ObservedResponse {
  api: ServiceApi;
  method: string;
  /** The path without its query string. */
  path: string;
  status: number;
  /** The body given to `res.json`; undefined when the answer had none. */
  body: unknown;
}

let observer: ((response: ObservedResponse) => void) | undefined;

/**
 * Has every service app created from now on report each answer to `observe` (the contract tests
 * validate them against the OpenAPI documents). Apps created while no one observes carry no such
 * code. Returns the function that stops it.
 */
export function observeResponses(observe: (response: ObservedResponse) => void): () => void {
  observer = observe;
  return () => {
    if (observer === observe) observer = undefined;
  };
}

/** The middleware that reports this app's answers, while someone observes them. */
export function responseObserver(api: ServiceApi): RequestHandler | undefined {
  const observe = observer;
  if (!observe) return undefined;
  return (req, res, next) => {
    let body: unknown;
    const json = res.json;
    res.json = function captured(value: unknown) {
      body = value;
      return json.call(this, value);
    };
    res.once('finish', () => {
      const status = res.statusCode;
      // Express sends no body with a 304 (an unchanged answer) or a 204, whatever res.json was given.
      const sent = status === 304 || status === 204 ? undefined : body;
      observe({ api, method: req.method, path: req.originalUrl.split('?')[0]!, status, body: sent });
    });
    next();
  };
}
