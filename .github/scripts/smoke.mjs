#!/usr/bin/env node
// Smoke test of a deployed environment, run by the deploy workflows after each rollout (and by
// hand): node .github/scripts/smoke.mjs <url> --full | --read-only
//   --full       sign up a seller and a buyer, list a ticket, find it in the listing, reserve
//                it and pay in the payments sandbox (tok_visa), wait for the order to complete
//                and for the buyer's pass, whose code must verify with the published keys: dev
//                and staging, which run no real payments.
//   --read-only  the web app, the current user, the ticket listing, the passes' public keys
//                (Ed25519, no private part) and signed-out order and pass requests answer as
//                they should; nothing is written: production.
// Exits 1 with the step that failed. Dependency-free: the runner has Node but no node_modules.
import { createPublicKey, verify } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const TIMEOUT_MS = 15_000;
const EVENTUAL_MS = 60_000;

export class SmokeFailure extends Error {}

function client(base) {
  const cookies = new Map();
  return async function request(method, path, body) {
    const response = await fetch(new URL(path, base), {
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        accept: 'application/json, text/html',
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(cookies.size ? { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const index = pair.indexOf('=');
      if (index > 0) cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1));
    }
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, type: response.headers.get('content-type') ?? '' };
  };
}

function expectStatus(step, response, ...statuses) {
  if (!statuses.includes(response.status)) {
    throw new SmokeFailure(
      `${step}: expected HTTP ${statuses.join(' or ')}, got ${response.status} ${response.text.slice(0, 300)}`,
    );
  }
  return response;
}

/** Retries `attempt` until it returns a value: events reach the other services asynchronously. */
async function eventually(step, attempt) {
  const deadline = Date.now() + EVENTUAL_MS;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      if (!(error instanceof SmokeFailure)) throw error;
      last = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new SmokeFailure(`${step}: not within ${EVENTUAL_MS / 1000} s${last ? ` (${last})` : ''}`);
}

export async function readOnly(base, log = console.log) {
  const anonymous = client(base);
  const page = expectStatus('the web app', await anonymous('GET', '/'), 200);
  if (!page.type.includes('text/html')) throw new SmokeFailure(`the web app: expected HTML, got ${page.type}`);
  log('✓ the web app serves its page');
  const me = expectStatus('current user', await anonymous('GET', '/api/users/currentuser'), 200);
  if (me.json?.currentUser !== null)
    throw new SmokeFailure('current user: expected {"currentUser":null} when signed out');
  log('✓ auth answers: signed out');
  const tickets = expectStatus('ticket listing', await anonymous('GET', '/api/tickets'), 200);
  if (tickets.json === undefined) throw new SmokeFailure('ticket listing: the answer is not JSON');
  log('✓ tickets lists');
  const catalog = expectStatus('event catalog', await anonymous('GET', '/api/events'), 200);
  if (!Array.isArray(catalog.json?.events)) throw new SmokeFailure('event catalog: the answer has no events');
  log('✓ the event catalog lists (routed to tickets)');
  const orders = expectStatus('orders when signed out', await anonymous('GET', '/api/orders'), 401);
  if (!Array.isArray(orders.json?.errors)) throw new SmokeFailure('orders when signed out: no error body');
  log('✓ orders refuses a signed-out request');
  await passKeys(anonymous);
  log('✓ passes publishes its public keys (Ed25519 JWK set)');
  const passes = expectStatus('passes when signed out', await anonymous('GET', '/api/passes'), 401);
  if (!Array.isArray(passes.json?.errors)) throw new SmokeFailure('passes when signed out: no error body');
  log('✓ passes refuses a signed-out request');
}

/** The JWK set scanners verify passes with: Ed25519 public keys, each with a kid, never a private part. */
async function passKeys(request) {
  const response = expectStatus('pass keys', await request('GET', '/api/passes/keys'), 200);
  const keys = response.json?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new SmokeFailure('pass keys: no keys in the JWK set');
  for (const key of keys) {
    if (key.d !== undefined) throw new SmokeFailure(`pass keys: key ${key.kid} publishes its private part (d)`);
    if (key.kty !== 'OKP' || key.crv !== 'Ed25519' || !key.kid || !key.x)
      throw new SmokeFailure(`pass keys: expected Ed25519 keys with a kid, got ${JSON.stringify(key).slice(0, 200)}`);
  }
  return keys;
}

/** Verifies a pass's code (compact JWS, EdDSA) with the JWK set, as an offline scanner would. */
export function verifyPassCode(code, keys) {
  const parts = typeof code === 'string' ? code.split('.') : [];
  if (parts.length !== 3) throw new SmokeFailure('the pass: its code is not a compact JWS');
  const [header, payload, signature] = parts;
  let protectedHeader;
  try {
    protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    throw new SmokeFailure('the pass: its JWS header is not JSON');
  }
  if (protectedHeader.alg !== 'EdDSA') throw new SmokeFailure(`the pass: alg ${protectedHeader.alg}, expected EdDSA`);
  const jwk = keys.find((key) => key.kid === protectedHeader.kid);
  if (!jwk) throw new SmokeFailure(`the pass: kid ${protectedHeader.kid} is not in the JWK set`);
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
  if (!verify(null, Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')))
    throw new SmokeFailure('the pass: its signature does not verify with the published key');
}

export async function full(base, log = console.log) {
  await readOnly(base, log);
  const run = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const password = `pw-${run.slice(-10)}`;
  const seller = client(base);
  expectStatus(
    'seller sign-up',
    await seller('POST', '/api/users/signup', { email: `smoke-seller-${run}@example.com`, password }),
    201,
  );
  const listing = expectStatus(
    'listing a ticket',
    await seller('POST', '/api/tickets', { title: `Smoke test ${run}`, price: 12.5 }),
    201,
  );
  const ticketId = listing.json?.id;
  if (!ticketId) throw new SmokeFailure('listing a ticket: no id in the answer');
  log(`✓ a seller signed up and listed ticket ${ticketId}`);
  await eventually('the ticket in the listing', async () => {
    const found = expectStatus('ticket', await seller('GET', `/api/tickets/${ticketId}`), 200);
    return found.json?.id === ticketId ? true : undefined;
  });
  log('✓ the ticket is listed');

  const buyer = client(base);
  expectStatus(
    'buyer sign-up',
    await buyer('POST', '/api/users/signup', { email: `smoke-buyer-${run}@example.com`, password }),
    201,
  );
  // orders learns of the ticket from ticket.created: 404 until then.
  const order = await eventually('reserving the ticket', async () => {
    const response = await buyer('POST', '/api/orders', { ticketId });
    if (response.status === 404) throw new SmokeFailure(`reserving: 404 ${response.text.slice(0, 200)}`);
    return expectStatus('reserving the ticket', response, 201).json;
  });
  log(`✓ the buyer reserved it: order ${order.id}`);
  // payments learns of the order from order.created.
  await eventually('paying in the sandbox', async () => {
    const response = await buyer('POST', '/api/payments', { orderId: order.id, token: 'tok_visa' });
    if (response.status === 404) throw new SmokeFailure(`paying: 404 ${response.text.slice(0, 200)}`);
    return expectStatus('paying in the sandbox', response, 201, 202).json;
  });
  log('✓ the buyer paid with tok_visa');
  await eventually('the order completing', async () => {
    const response = expectStatus('order', await buyer('GET', `/api/orders/${order.id}`), 200);
    if (response.json?.status !== 'complete') throw new SmokeFailure(`order status ${response.json?.status}`);
    return true;
  });
  log('✓ the order is complete');
  // passes issues the buyer's pass on order.completed.
  const pass = await eventually("the buyer's pass", async () => {
    const response = expectStatus('passes', await buyer('GET', '/api/passes'), 200);
    const found = (response.json?.passes ?? []).find((candidate) => candidate.orderId === order.id);
    if (!found) throw new SmokeFailure(`no pass for order ${order.id} yet`);
    return found;
  });
  verifyPassCode(pass.code, await passKeys(buyer));
  log(`✓ the buyer holds pass ${pass.id}, whose code verifies with the published key`);
}

async function main([url, mode]) {
  if (!url || !['--full', '--read-only'].includes(mode ?? '')) {
    console.error('usage: smoke.mjs <url> --full | --read-only');
    process.exit(2);
  }
  const started = Date.now();
  try {
    await (mode === '--full' ? full : readOnly)(url);
  } catch (error) {
    console.error(`✗ smoke test of ${url} failed: ${error instanceof SmokeFailure ? error.message : error}`);
    process.exit(1);
  }
  console.log(`smoke test of ${url} passed (${mode.slice(2)}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main(process.argv.slice(2));
}
