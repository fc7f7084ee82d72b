/**
 * What a person does in the web app, written with the labels and roles they see. Each step ends
 * by waiting for the visible outcome of what it did, never for a guessed time.
 */
import { waitFor } from '@ticketing/common/testing';
import type { Locator, Page } from 'playwright-core';
import type { Marketplace } from './browser-harness';

export const PASSWORD = 'correct-horse';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const TICKET_URL = new RegExp(`/tickets/(${UUID})$`);
export const ORDER_URL = new RegExp(`/orders/(${UUID})$`);

export const SUCCEEDING_CARD = '4242 4242 4242 4242';
export const DECLINED_CARD = '4000 0000 0000 0002';

export const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** The alert inside `scope` that says something (the app keeps an empty one in every form). */
export const alertIn = (scope: Page | Locator, text: string | RegExp) =>
  scope.getByRole('alert').filter({ hasText: text });

/** The heading of the page, once it has rendered. */
export async function seeHeading(page: Page, name: string | RegExp, level = 1): Promise<void> {
  await page.getByRole('heading', { level, name }).waitFor();
}

/** Signs up from the header link and waits until the header shows the new account. */
export async function signUp(page: Page, email: string): Promise<void> {
  await page.goto('/');
  await mainNav(page).getByRole('link', { name: 'Sign up' }).click();
  await seeHeading(page, 'Create an account');
  await fillSignUp(page, email);
}

/** Fills the sign-up form the visitor is looking at and submits it. */
export async function fillSignUp(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await mainNav(page).getByText(email).waitFor();
}

/** Fills the sign-in form the visitor is looking at and submits it. */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await mainNav(page).getByText(email).waitFor();
}

/** Searches the list from the landing page's search box. */
export async function search(page: Page, query: string): Promise<void> {
  await page.getByRole('searchbox', { name: 'Search tickets' }).fill(query);
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await seeHeading(page, 'Search results');
}

/** The card of a ticket in the landing page's list. */
export const ticketCard = (page: Page, title: string) =>
  page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title, exact: true }) });

/** Presses Purchase on a ticket's page and waits for the order, whose id it returns. */
export async function purchase(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Purchase' }).click();
  await page.waitForURL(ORDER_URL);
  await seeHeading(page, 'Your order');
  return ORDER_URL.exec(new URL(page.url()).pathname)![1]!;
}

/** An expiry date the sandbox form accepts: December, three years on. */
export const FUTURE_EXPIRY = `12/${String((new Date().getFullYear() + 3) % 100).padStart(2, '0')}`;

/**
 * Fills the sandbox payment form: the card number, a future expiry date and a security code of
 * the card's length (4 digits for American Express, 3 for the others).
 */
export async function fillCard(page: Page, cardNumber: string): Promise<void> {
  await page.getByLabel('Card number', { exact: true }).fill(cardNumber);
  await page.getByLabel('Expiry date (MM/YY)', { exact: true }).fill(FUTURE_EXPIRY);
  await page.getByLabel('Security code (CVC)', { exact: true }).fill(/^3[47]/.test(cardNumber) ? '1234' : '123');
}

/** Fills the sandbox payment form with a card (see {@link fillCard}) and presses "Pay $…". */
export async function pay(page: Page, cardNumber: string, price: string): Promise<void> {
  await fillCard(page, cardNumber);
  await page.getByRole('button', { name: `Pay ${price}`, exact: true }).click();
}

/**
 * For outcomes that another service brings about a moment later (an event applied): reloads the
 * page until `locator` shows, as a person pressing F5 would.
 */
export async function reloadUntilVisible(page: Page, locator: Locator, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await locator.waitFor({ state: 'visible', timeout: 1_000 });
      return;
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await page.reload();
    }
  }
}

/** Signs a user up through the API and returns their session cookie and email. */
export async function accountViaApi(market: Marketplace, email: string): Promise<{ cookie: string; email: string }> {
  const response = await market.api('POST', '/api/users/signup', { json: { email, password: PASSWORD } });
  expect(response.status).toBe(201);
  return { cookie: response.cookie, email };
}

/**
 * Lists a ticket through the API and waits until orders has learnt of it (ticket.created), so a
 * buyer can reserve it at once. The probe is the seller buying their own ticket: orders answers
 * 404 while it does not know the ticket and 400 "You cannot buy your own ticket" once it does.
 */
export async function ticketViaApi(
  market: Marketplace,
  seller: { cookie: string },
  title: string,
  price: number,
): Promise<string> {
  const listed = await market.api('POST', '/api/tickets', { cookie: seller.cookie, json: { title, price } });
  expect(listed.status).toBe(201);
  const ticketId: string = listed.body.id;
  await waitFor(async () => {
    const probe = await market.api('POST', '/api/orders', { cookie: seller.cookie, json: { ticketId } });
    if (probe.status === 404) return false;
    expect(probe.body.errors[0].message).toBe('You cannot buy your own ticket');
    return true;
  });
  return ticketId;
}

/** The session cookie of a browser visitor, for API calls on their behalf. */
export async function cookieOf(page: Page): Promise<string> {
  return (await page.context().cookies())
    .filter((cookie) => cookie.name.startsWith('session'))
    .map((cookie) => `${cookie.name}=${cookie.value}`)
    .join('; ');
}

/** Waits until orders knows the ticket (ticket.created): the seller may not buy it, as a probe. */
export async function untilOrdersKnows(market: Marketplace, sellerCookie: string, ticketId: string): Promise<void> {
  await waitFor(async () => {
    const probe = await market.api('POST', '/api/orders', { cookie: sellerCookie, json: { ticketId } });
    return probe.status !== 404;
  });
}

/** A `datetime-local` value a month from now, and the same instant as the API takes it. */
export function aMonthAhead(): { local: string; iso: string } {
  const at = new Date(Date.now() + 30 * 24 * 3600_000);
  at.setUTCSeconds(0, 0);
  return { local: at.toISOString().slice(0, 16), iso: at.toISOString() };
}

/** A ticket for `eventId` and a buyer who paid for it, all through the API; returns the buyer's pass. */
export async function paidPassViaApi(
  market: Marketplace,
  eventId: string,
  name: string,
): Promise<{ id: string; code: string }> {
  const seller = await accountViaApi(market, `${name}-seller@example.test`);
  const listed = await market.api('POST', '/api/tickets', {
    cookie: seller.cookie,
    json: { title: `${name} ticket`, price: 30, eventId },
  });
  expect(listed.status).toBe(201);
  await untilOrdersKnows(market, seller.cookie, listed.body.id);
  const buyer = await accountViaApi(market, `${name}-buyer@example.test`);
  const order = await market.api('POST', '/api/orders', { cookie: buyer.cookie, json: { ticketId: listed.body.id } });
  expect(order.status).toBe(201);
  await waitFor(async () => {
    const paid = await market.api('POST', '/api/payments', {
      cookie: buyer.cookie,
      json: { orderId: order.body.id, token: 'tok_visa' },
    });
    return paid.status === 201;
  });
  return waitFor(async () => {
    const passes = await market.api('GET', '/api/passes', { cookie: buyer.cookie });
    const pass = passes.body.passes?.[0];
    return pass ? { id: pass.id as string, code: pass.code as string } : undefined;
  });
}
