/**
 * Payouts in a real browser, against the platform as `npm start` runs it (payments in the
 * sandbox) with a short hold: a seller sets up payouts, lists and sells a ticket, and My payouts
 * shows the sale held until its due time, then paid; a seller who sold before setting up reads
 * how much is waiting for their payout account.
 */
import type { Page } from 'playwright-core';
import { useMarketplace } from './browser-harness';
import {
  accountViaApi,
  cookieOf,
  fillCard,
  mainNav,
  purchase,
  reloadUntilVisible,
  SUCCEEDING_CARD,
  seeHeading,
  signIn,
  signUp,
  TICKET_URL,
  ticketViaApi,
  untilOrdersKnows,
} from './user-steps';

jest.setTimeout(240_000);

/** 0.01 h = 36 s: long enough to see a sale held, short enough to see it paid within the test. */
const HOLD_HOURS = 0.01;
const market = useMarketplace({ PAYOUT_HOLD_HOURS: String(HOLD_HOURS), PAYOUT_INTERVAL_SECONDS: '1' });

/** How the app writes an instant in en-US: "Dec 6, 2026, 9:40 PM". */
const DATE_TIME = /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M$/;

/** A buyer signs up, buys `ticketId` with a sandbox test card and waits for the paid order. */
async function buy(page: Page, email: string, ticketId: string): Promise<string> {
  await signUp(page, email);
  await page.goto(`/tickets/${ticketId}`);
  const orderId = await purchase(page);
  await fillCard(page, SUCCEEDING_CARD);
  // The button names the all-in total (the ticket's price and the buyer fee).
  await page.getByRole('button', { name: /^Pay \$/ }).click();
  await page.getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();
  return orderId;
}

/** The row of My payouts for the ticket called `title`. */
const payoutRow = (page: Page, title: string) =>
  page.getByRole('row').filter({ has: page.getByRole('link', { name: title, exact: true }) });

describe('payouts in the browser', () => {
  market.scenario(
    'a seller sets up payouts (sandbox), lists and sells a ticket; My payouts shows it held until its due time, then paid',
    async (t) => {
      const title = 'Brass band at the pier — front row';
      const seller = await t.visitor('seller');
      await signUp(seller, 'payouts-seller@example.test');

      // The sell page asks for a payout account, without standing in the way of the form.
      await mainNav(seller).getByRole('link', { name: 'Sell' }).click();
      await seeHeading(seller, 'Sell a ticket');
      await seller.getByLabel('Title', { exact: true }).waitFor();
      await seller.getByRole('link', { name: 'Set up payouts to get paid for your sales' }).click();
      await seller.waitForURL('/payouts');
      await seeHeading(seller, 'My payouts');
      await seller.getByText('No sales yet.').waitFor();
      await t.step(seller, 'no payout account');

      await seller.getByRole('button', { name: 'Set up payouts' }).click();
      await seller.getByRole('heading', { level: 2, name: 'Payouts are ready' }).waitFor();
      await t.step(seller, 'payouts ready');

      // With the account ready, the sell page says nothing more about it.
      await mainNav(seller).getByRole('link', { name: 'Sell' }).click();
      await seeHeading(seller, 'Sell a ticket');
      expect(await seller.getByText('Set up payouts to get paid for your sales').count()).toBe(0);
      await seller.getByLabel('Title', { exact: true }).fill(title);
      await seller.getByLabel('Price (USD)', { exact: true }).fill('45');
      await seller.getByRole('button', { name: 'List ticket' }).click();
      await seller.waitForURL(TICKET_URL);
      const ticketId = TICKET_URL.exec(new URL(seller.url()).pathname)![1]!;

      await untilOrdersKnows(market, await cookieOf(seller), ticketId);
      const buyer = await t.visitor('buyer');
      const orderId = await buy(buyer, 'payouts-buyer@example.test', ticketId);

      // The sale: price, the 5 % seller fee, what the seller receives, held until its due time.
      await mainNav(seller).getByRole('link', { name: 'My payouts' }).click();
      await seeHeading(seller, 'My payouts');
      const row = payoutRow(seller, title);
      await reloadUntilVisible(seller, row.getByText(/^Held until/), 30_000);
      const cell = (label: string) => row.locator(`[data-label="${label}"]`);
      expect((await cell('Order').textContent())?.trim()).toBe(orderId.replace(/-/g, '').slice(0, 8).toUpperCase());
      expect((await cell('Price').textContent())?.trim()).toBe('$45.00');
      expect((await cell('Seller fee').textContent())?.trim()).toBe('$2.25');
      expect((await cell('You receive').textContent())?.trim()).toBe('$42.75');
      const due = row.locator('[data-label="State"] time');
      expect((await due.textContent())?.trim()).toMatch(DATE_TIME);
      const dueAt = Date.parse((await due.getAttribute('datetime')) ?? '');
      // Due the hold after the sale (the ticket has no event).
      expect(Math.abs(dueAt - (Date.now() + HOLD_HOURS * 3600_000))).toBeLessThan(60_000);
      await t.step(seller, 'held');
      await t.doc(seller, 'payouts');

      // After the hold the scheduler pays it.
      await reloadUntilVisible(seller, row.getByText(/^Paid [A-Z][a-z]{2} \d{1,2}, \d{4}$/), 120_000);
      await t.step(seller, 'paid');
    },
    200_000,
  );

  market.scenario(
    'a seller who sold before setting up payouts reads how much is waiting on My listings and My payouts, and the sale is held once the account is ready',
    async (t) => {
      const title = 'Comedy cellar — late show';
      const sellerAccount = await accountViaApi(market, 'late-payouts-seller@example.test');
      const ticketId = await ticketViaApi(market, sellerAccount, title, 20);
      const buyer = await t.visitor('buyer');
      await buy(buyer, 'late-payouts-buyer@example.test', ticketId);

      const seller = await t.visitor('seller');
      await seller.goto('/auth/signin?next=/tickets/mine');
      await signIn(seller, sellerAccount.email);
      await seeHeading(seller, 'My listings');
      const waiting = seller.getByText('$19.00 from 1 sale is waiting for your payout account.');
      await reloadUntilVisible(seller, waiting, 30_000);
      await seller.getByRole('link', { name: 'Set up payouts to get paid for your sales' }).waitFor();

      await seller.getByRole('link', { name: 'My payouts', exact: true }).first().click();
      await seeHeading(seller, 'My payouts');
      await seller.getByText('$19.00 from 1 sale is waiting for your payout account.').waitFor();
      const row = payoutRow(seller, title);
      await row.getByText('Waiting for your payout account', { exact: true }).waitFor();
      await t.step(seller, 'waiting for the account');

      await seller.getByRole('button', { name: 'Set up payouts' }).click();
      await seller.getByRole('heading', { level: 2, name: 'Payouts are ready' }).waitFor();
      await reloadUntilVisible(seller, row.getByText(/^(Held until|Paid)/), 30_000);
      expect(await seller.getByText('is waiting for your payout account').count()).toBe(0);
    },
    150_000,
  );
});
