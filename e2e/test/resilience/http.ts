/** What a call to a service answered; `status` 0 means no answer (connection refused or reset). */
export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in the tests
  body: any;
  /** The `Set-Cookie` values, whole (with their attributes). */
  setCookies: string[];
  /** The cookies to send back, as a `Cookie` header. */
  cookie: string;
  /** Why there was no answer, when status is 0. */
  error?: string;
}

export interface CallOptions {
  json?: unknown;
  cookie?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * One HTTP call straight to a service. A service that is down (killed, restarting) does not
 * throw: the reply has status 0 and the error, so a burst can count it and go on.
 */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const setCookies = response.headers.getSetCookie();
    return { status: response.status, body, setCookies, cookie: setCookies.map((c) => c.split(';')[0]).join('; ') };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return { status: 0, body: undefined, setCookies: [], cookie: '', error: reason };
  }
}
