/// <reference lib="dom" />
/**
 * Seller tools in a real browser against the platform as `npm start` runs it: the confirmation
 * after listing and after editing, unlisting and relisting (from the ticket page and from My
 * listings), what buyers see of an unlisted ticket, reserved tickets staying in the list, and a
 * sold listing with its sale date and no way to edit it.
 */
import { waitFor } from '@ticketing/common/testing';
import { useMarketplace } from './browser-harness';
import {
  accountViaApi,
  mainNav,
  reloadUntilVisible,
  search,
  seeHeading,
  signIn,
  TICKET_URL,
  ticketCard,
  ticketViaApi,
} from './user-steps';

jest.setTimeout(180_000);

const market = useMarketplace();

/** Other sellers' tickets, so the list always has something besides the ticket a scenario is about. */
beforeAll(async () => {
  const other = await accountViaApi(market, 'neighbour-seller@example.test');
  await ticketViaApi(market, other, 'Chamber music — Sunday matinee', 30);
});

/** Opens the sign-in page and signs in an account made through the API. */
async function signInAs(page: Parameters<typeof signIn>[0], email: string): Promise<void> {
  await page.goto('/auth/signin');
  await signIn(page, email);
}

describe('seller tools in the browser', () => {
  market.scenario(
    'a seller lists a ticket (“Listed”), edits it (“Changes saved”), unlists it — buyers cannot find or buy it — and relists it from My listings',
    async (t) => {
      const title = 'Folk night at the Crown — table 7';
      await accountViaApi(market, 'unlisting-seller@example.test');
      const buyerAccount = await accountViaApi(market, 'unlisting-buyer@example.test');
      const seller = await t.visitor('seller');
      await signInAs(seller, 'unlisting-seller@example.test');

      await mainNav(seller).getByRole('link', { name: 'Sell' }).click();
      await seeHeading(seller, 'Sell a ticket');
      await seller.getByLabel('Title', { exact: true }).fill(title);
      await seller.getByLabel('Price (USD)', { exact: true }).fill('25');
      await seller.getByRole('button', { name: 'List ticket' }).click();
      await seller.waitForURL(TICKET_URL);
      const ticketId = TICKET_URL.exec(new URL(seller.url()).pathname)![1]!;
      await seller.getByRole('status').filter({ hasText: 'Listed — your ticket is on sale.' }).waitFor();
      await t.step(seller, 'listed');

      await seller.getByRole('link', { name: 'Edit ticket' }).click();
      await seeHeading(seller, 'Edit ticket');
      await seller.getByLabel('Price (USD)', { exact: true }).fill('27');
      await seller.getByRole('button', { name: 'Save changes' }).click();
      await seller.waitForURL(`/tickets/${ticketId}`);
      await seller.getByRole('status').filter({ hasText: 'Changes saved.' }).waitFor();
      await seller.getByText('$27.00', { exact: true }).waitFor();
      expect(await seller.getByText('Listed — your ticket is on sale.').count()).toBe(0);
      await t.step(seller, 'changes saved');

      // Unlist from the ticket page.
      await seller.getByRole('button', { name: 'Unlist' }).click();
      await seller.getByRole('status').filter({ hasText: 'Unlisted — buyers can no longer find or buy' }).waitFor();
      await seller.getByText('Unlisted', { exact: true }).waitFor();
      await seller.getByText('You have unlisted this ticket', { exact: false }).waitFor();
      await seller.getByRole('button', { name: 'Relist' }).waitFor();
      // The earlier confirmation was about the edit, not this version: it is gone.
      expect(await seller.getByText('Changes saved.').count()).toBe(0);
      await t.step(seller, 'unlisted');

      // A buyer: not in the list nor in search; the page says it is not on sale, with no Purchase.
      const buyer = await t.visitor('buyer');
      await signInAs(buyer, buyerAccount.email);
      await buyer.goto('/');
      await ticketCard(buyer, 'Chamber music — Sunday matinee').waitFor();
      expect(await ticketCard(buyer, title).count()).toBe(0);
      await search(buyer, 'folk night');
      await buyer.getByText('No tickets match “folk night”.').waitFor();
      await buyer.goto(`/tickets/${ticketId}`);
      await seeHeading(buyer, title);
      await buyer.getByText('This ticket is not on sale: its seller has unlisted it.').waitFor();
      expect(await buyer.getByRole('button', { name: 'Purchase' }).count()).toBe(0);
      await t.step(buyer, 'not on sale');
      // And orders refuses it (once ticket.updated reached its replica), with its stable code.
      await waitFor(async () => {
        const refused = await market.api('POST', '/api/orders', { cookie: buyerAccount.cookie, json: { ticketId } });
        return refused.status === 409 && refused.body.errors[0].code === 'TICKET_WITHDRAWN';
      });

      // Relist from My listings, where the row says Unlisted.
      await mainNav(seller).getByRole('link', { name: 'My listings' }).click();
      await seeHeading(seller, 'My listings');
      const row = seller.getByRole('row').filter({ hasText: title });
      await row.getByText('Unlisted', { exact: true }).waitFor();
      await t.step(seller, 'my listings, unlisted');
      await row.getByRole('button', { name: `Relist ${title}` }).click();
      await row.getByText('On sale', { exact: true }).waitFor();
      await row.getByRole('button', { name: `Unlist ${title}` }).waitFor();
      await t.step(seller, 'relisted');

      await buyer.goto('/');
      await reloadUntilVisible(buyer, ticketCard(buyer, title));
      await buyer.goto(`/tickets/${ticketId}`);
      await reloadUntilVisible(buyer, buyer.getByRole('button', { name: 'Purchase' }));
    },
  );

  market.scenario(
    'a reserved ticket stays in the list greyed out as “Reserved — may come back”; its seller cannot edit or unlist it; once sold, My listings shows the sale date',
    async (t) => {
      const title = 'Blues festival — Saturday pass';
      const sellerAccount = await accountViaApi(market, 'reserved-seller@example.test');
      const buyerAccount = await accountViaApi(market, 'reserved-buyer@example.test');
      const ticketId = await ticketViaApi(market, sellerAccount, title, 55);
      const order = await market.api('POST', '/api/orders', { cookie: buyerAccount.cookie, json: { ticketId } });
      expect(order.status).toBe(201);
      await waitFor(async () => (await market.api('GET', `/api/tickets/${ticketId}`)).body.status === 'reserved');

      const visitor = await t.visitor('visitor');
      await visitor.goto('/');
      const card = ticketCard(visitor, title);
      await card.getByText('Reserved — may come back', { exact: true }).waitFor();
      expect(await card.getAttribute('class')).toContain('ticket-card--reserved');
      // Greyed: the reserved card's price is not in the colour of a price on sale.
      const onSale = ticketCard(visitor, 'Chamber music — Sunday matinee');
      const priceColour = (scope: typeof card) =>
        scope.locator('.ticket-card__price').evaluate((price) => getComputedStyle(price).color);
      expect(await priceColour(card)).not.toBe(await priceColour(onSale));
      expect(await onSale.getByText('Reserved — may come back').count()).toBe(0);
      await t.doc(visitor, 'reserved-card');
      await search(visitor, 'blues');
      await ticketCard(visitor, title).getByText('Reserved — may come back', { exact: true }).waitFor();
      await t.step(visitor, 'reserved in the list');

      const seller = await t.visitor('seller');
      await signInAs(seller, sellerAccount.email);
      await seller.goto(`/tickets/${ticketId}`);
      await seller.getByText('A buyer has reserved this ticket', { exact: false }).waitFor();
      expect(await seller.getByRole('link', { name: 'Edit ticket' }).count()).toBe(0);
      expect(await seller.getByRole('button', { name: 'Unlist' }).count()).toBe(0);
      await t.step(seller, 'reserved listing');

      const paid = await market.api('POST', '/api/payments', {
        cookie: buyerAccount.cookie,
        json: { orderId: order.body.id, token: 'tok_visa' },
      });
      expect(paid.status).toBe(201);
      await waitFor(async () => (await market.api('GET', `/api/tickets/${ticketId}`)).body.status === 'sold');
      const soldOn = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date());

      await seller.goto(`/tickets/${ticketId}`);
      await seller.getByText(`You sold this ticket on ${soldOn}.`).waitFor();
      expect(await seller.getByRole('link', { name: 'Edit ticket' }).count()).toBe(0);
      await mainNav(seller).getByRole('link', { name: 'My listings' }).click();
      await seeHeading(seller, 'My listings');
      const row = seller.getByRole('row').filter({ hasText: title });
      await row.getByText('Sold', { exact: true }).waitFor();
      await row.getByText(soldOn, { exact: true }).waitFor();
      expect(await row.getByRole('link', { name: /^Edit/ }).count()).toBe(0);
      expect(await row.getByRole('button').count()).toBe(0);
      await t.step(seller, 'sold with its date');

      await visitor.goto('/');
      await ticketCard(visitor, 'Chamber music — Sunday matinee').waitFor();
      expect(await ticketCard(visitor, title).count()).toBe(0);
    },
  );
});
