/**
 * The checkout and the order pages in a real browser, against the platform as `npm start` runs
 * it (payments in the sandbox): what a buyer sees before paying, how the card form checks what
 * they type, and what the order says once it is paid.
 */
import type { Locator, Page } from 'playwright-core';
import { useMarketplace } from './browser-harness';
import {
  accountViaApi,
  pay,
  purchase,
  reloadUntilVisible,
  SUCCEEDING_CARD,
  seeHeading,
  signUp,
  ticketViaApi,
} from './user-steps';

jest.setTimeout(180_000);

const market = useMarketplace();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** How the app writes an instant in en-US: "Dec 6, 2026, 9:40 PM". */
const DATE_TIME = /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M$/;

const LONG_TITLE =
  'Philharmonic season finale: Mahler’s Symphony No. 2 “Resurrection” with full chorus and organ — Grand Hall, balcony row K, seat 14, doors 18:30';

/** The text of what the input names as its description (aria-describedby): its hint and its error. */
async function descriptionOf(page: Page, input: Locator): Promise<string> {
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts = await page.locator(ids.map((id) => `[id="${id}"]`).join(', ')).allTextContents();
  return texts.join(' ');
}

/** The `<dd>` that a summary term (Order number, Reserved, Paid, …) describes. */
const detail = (page: Page, term: string) =>
  page
    .locator('.summary-list > div')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) })
    .locator('dd');

/** The title heading is as wide as the card it sits in, not a narrow column of it. */
async function expectTitleAcrossCard(page: Page): Promise<void> {
  const title = page.getByRole('heading', { level: 2, name: LONG_TITLE });
  const card = page.locator('section.order__summary');
  const [titleBox, cardBox] = [await title.boundingBox(), await card.boundingBox()];
  expect(titleBox).not.toBeNull();
  expect(cardBox).not.toBeNull();
  // The card's padding is at most 20 px a side.
  expect(titleBox!.width).toBeGreaterThanOrEqual(cardBox!.width - 2 * 20 - 2);
  // A few lines of 28 px (1.35 rem at 1.3 line height), not the 9 lines of a narrow column.
  expect(titleBox!.height).toBeLessThanOrEqual(page.viewportSize()!.width < 500 ? 8 * 29 : 5 * 29);
}

describe('checkout and order pages', () => {
  market.scenario(
    'a buyer sees the order and its total before paying, the card form checks each field, a sandbox test card pays, and the paid order shows when and its payment reference',
    async (t) => {
      const seller = await accountViaApi(market, 'philharmonic-seller@example.test');
      const ticketId = await ticketViaApi(market, seller, LONG_TITLE, 42);
      const buyer = await t.visitor('buyer');
      await signUp(buyer, 'checkout-buyer@example.test');
      await buyer.goto(`/tickets/${ticketId}`);
      // The ticket's page shows the all-in price ($42.00 + the 10 % service fee), its breakdown a click away.
      await buyer.locator('.ticket-detail__price').getByText('$46.20', { exact: true }).waitFor();
      const breakdown = buyer.getByText('Ticket $42.00 · Service fee $4.20 · Total $46.20', { exact: true });
      expect(await breakdown.isVisible()).toBe(false);
      await buyer.locator('summary', { hasText: 'Price breakdown' }).click();
      await breakdown.waitFor();
      await t.step(buyer, 'all-in price and its breakdown');
      const orderId = await purchase(buyer);

      // A long title runs across the card, at desktop width and on a phone.
      await expectTitleAcrossCard(buyer);
      await buyer.setViewportSize({ width: 390, height: 844 });
      await expectTitleAcrossCard(buyer);
      await t.step(buyer, 'order on a phone');
      await buyer.setViewportSize({ width: 1280, height: 800 });

      // The order number, shortened, with the full id a click away; when it was reserved.
      const number = detail(buyer, 'Order number');
      await number.getByText(orderId.replace(/-/g, '').slice(0, 8).toUpperCase(), { exact: true }).waitFor();
      expect(await number.getByText(orderId, { exact: true }).isVisible()).toBe(false);
      await number.locator('summary').click();
      await number.getByText(orderId, { exact: true }).waitFor();
      const reserved = detail(buyer, 'Reserved').locator('time');
      expect((await reserved.textContent())?.trim()).toMatch(DATE_TIME);
      expect(Math.abs(Date.parse((await reserved.getAttribute('datetime')) ?? '') - Date.now())).toBeLessThan(120_000);

      // The total before paying, and the sandbox said so on the checkout itself.
      const summary = buyer.getByRole('table', { name: 'Order summary' });
      expect(await summary.getByRole('row').allTextContents()).toEqual([
        `${LONG_TITLE}$42.00`,
        'Service fee$4.20',
        'Total$46.20',
      ]);
      // The order's stored amounts: the total, and the price and fee it is made of.
      const total = detail(buyer, 'Total');
      await total.getByText('$46.20', { exact: true }).waitFor();
      await total.locator('summary', { hasText: 'Price breakdown' }).click();
      await total.getByText('Ticket $42.00 · Service fee $4.20 · Total $46.20', { exact: true }).waitFor();
      await buyer.getByText(/Sandbox checkout — no real money moves\./).waitFor();

      // The test cards are there for whoever wants them, folded away.
      const testCards = buyer.getByRole('table', { name: 'Sandbox test cards' });
      expect(await testCards.isVisible()).toBe(false);

      // Each field says what is wrong with it, under itself; nothing is sent.
      const payments: string[] = [];
      buyer.on('request', (request) => {
        if (new URL(request.url()).pathname === '/api/payments') payments.push(request.method());
      });
      const cardNumber = buyer.getByLabel('Card number', { exact: true });
      const expiry = buyer.getByLabel('Expiry date (MM/YY)', { exact: true });
      const cvc = buyer.getByLabel('Security code (CVC)', { exact: true });
      expect(await cardNumber.getAttribute('autocomplete')).toBe('cc-number');
      expect(await expiry.getAttribute('autocomplete')).toBe('cc-exp');
      expect(await cvc.getAttribute('autocomplete')).toBe('cc-csc');
      await cardNumber.pressSequentially('4242424242424241');
      expect(await cardNumber.inputValue()).toBe('4242 4242 4242 4241');
      await expiry.pressSequentially('1330');
      expect(await expiry.inputValue()).toBe('13/30');
      await cvc.fill('12');
      await buyer.getByRole('button', { name: 'Pay $46.20', exact: true }).click();
      await buyer.getByText('Your card number is invalid: check it for a typo').waitFor();
      expect(await descriptionOf(buyer, cardNumber)).toContain('Your card number is invalid');
      expect(await descriptionOf(buyer, expiry)).toContain('The expiry month must be from 01 to 12');
      expect(await descriptionOf(buyer, cvc)).toContain('The security code is the 3 digits on the back of the card');
      expect(await buyer.locator('#card-number:focus').count()).toBe(1);
      await expiry.fill('01/20');
      await cardNumber.fill(SUCCEEDING_CARD);
      await cvc.fill('123');
      await buyer.getByRole('button', { name: 'Pay $46.20', exact: true }).click();
      await buyer.getByText('Your card has expired: the expiry date is in the past').waitFor();
      expect(payments).toEqual([]);
      await t.step(buyer, 'card fields checked');

      // A test card from the disclosure fills the form, and pays.
      await buyer.locator('summary', { hasText: 'Sandbox test cards' }).click();
      await testCards.waitFor();
      await testCards.getByRole('button', { name: 'Use Visa test card 4242 4242 4242 4242' }).click();
      expect(await cardNumber.inputValue()).toBe(SUCCEEDING_CARD);
      expect(await expiry.inputValue()).toMatch(/^12\/\d\d$/);
      await buyer.getByRole('button', { name: 'Pay $46.20', exact: true }).click();
      await buyer.getByRole('status').getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();
      expect(payments).toEqual(['POST']);
      const reference = detail(buyer, 'Payment reference');
      expect((await reference.textContent())?.trim()).toMatch(UUID);
      expect((await detail(buyer, 'Paid').locator('time').textContent())?.trim()).toMatch(DATE_TIME);

      // After a reload the order's own record says when and by which payment (payment.created reached orders).
      const paymentId = (await reference.textContent())?.trim();
      await buyer.reload();
      await seeHeading(buyer, 'Your order');
      await reloadUntilVisible(buyer, detail(buyer, 'Paid').locator('time'));
      expect((await detail(buyer, 'Payment reference').textContent())?.trim()).toBe(paymentId);
      expect(await buyer.getByRole('table', { name: 'Order summary' }).count()).toBe(0);
      await t.step(buyer, 'paid order with its reference');
    },
  );

  market.scenario(
    'My orders shows when each order was reserved and, for one awaiting payment, the time left',
    async (t) => {
      const seller = await accountViaApi(market, 'orders-list-seller@example.test');
      const paidTicket = await ticketViaApi(market, seller, 'Chamber music matinee — row C', 25);
      const pendingTicket = await ticketViaApi(market, seller, 'Late-night jazz jam — table 4', 30);
      const buyer = await t.visitor('buyer');
      await signUp(buyer, 'orders-list-buyer@example.test');

      await buyer.goto(`/tickets/${paidTicket}`);
      await purchase(buyer);
      await pay(buyer, SUCCEEDING_CARD, '$27.50');
      await buyer.getByRole('status').getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();
      await buyer.goto(`/tickets/${pendingTicket}`);
      await purchase(buyer);

      await buyer.goto('/orders');
      await seeHeading(buyer, 'My orders');
      const pending = buyer.getByRole('row').filter({ hasText: 'Late-night jazz jam' });
      const paid = buyer.getByRole('row').filter({ hasText: 'Chamber music matinee' });
      await reloadUntilVisible(buyer, paid.getByText('Paid', { exact: true }));
      // Each order's stored total: the ticket's price and the 10 % service fee, broken down a click away.
      await paid.getByText('$27.50', { exact: true }).waitFor();
      await pending.getByText('$33.00', { exact: true }).waitFor();
      await paid.locator('summary', { hasText: 'Price breakdown' }).click();
      await paid.getByText('Ticket $25.00 · Service fee $2.50 · Total $27.50', { exact: true }).waitFor();
      for (const row of [pending, paid]) {
        expect((await row.locator('td[data-label="Reserved"] time').textContent())?.trim()).toMatch(DATE_TIME);
      }
      const left = pending.getByText(/^1[45]:\d\d left to pay$/);
      await left.waitFor();
      // It counts down.
      const firstReading = (await left.textContent()) ?? '';
      await pending
        .getByText(/left to pay$/)
        .filter({ hasNotText: firstReading })
        .waitFor();
      expect(await paid.getByText(/left to pay/).count()).toBe(0);
      await t.step(buyer, 'my orders');
    },
  );
});
