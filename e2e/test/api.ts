import { checkAnswer } from '@ticketing/common/testing';

/**
 * A tiny fetch wrapper for tests that talk to the platform through the gateway like a browser.
 * Every answer is also checked against its service's OpenAPI document (contract tests).
 */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in the tests
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  cookie: string;
}

export function createApi(baseUrl: string) {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  return async function api<T = any>(
    method: string,
    path: string,
    options: { json?: unknown; cookie?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (options.cookie) headers.cookie = options.cookie;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
    });
    const text = await response.text();
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const body = text ? JSON.parse(text) : undefined;
    checkAnswer({ method, path: path.split('?')[0]!, status: response.status, body });
    return { status: response.status, body, cookie };
  };
}
