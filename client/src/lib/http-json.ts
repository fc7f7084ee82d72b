import http from 'node:http';
import https from 'node:https';

export interface JsonResponse {
  status: number;
  body: unknown;
}

/**
 * A GET with node:http rather than fetch: fetch drops a `Host` header, and the Ingress controller
 * routes by host, so server-side calls must carry the host the browser used.
 */
export function getJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<JsonResponse> {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      target,
      { method: 'GET', headers: { accept: 'application/json', ...headers }, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = null;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            body = null;
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${target.pathname} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end();
  });
}
