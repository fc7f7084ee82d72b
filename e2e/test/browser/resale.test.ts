/**
 * The secure swap in a real browser, against the platform as `npm start` runs it: a buyer resells
 * the pass they hold from its page, at a price capped at 120% of what they paid; the listing goes
 * on sale once passes has locked the pass (which the door then refuses, online and offline); a
 * second buyer pays for it and gets a new pass of the next generation, which the door admits,
 * while the first buyer's code is refused as revoked.
 */
import type { Page } from 'playwright-core';
import { type BrowserTest, useMarketplace } from './browser-harness';
import {
  accountViaApi,
  alertIn,
  aMonthAhead,
  cookieOf,
  mainNav,
  ORDER_URL,
  pay,
  purchase,
  reloadUntilVisible,
  SUCCEEDING_CARD,
  seeHeading,
  signIn,
  signUp,
  TICKET_URL,
  untilOrdersKnows,
} from './user-steps';

jest.setTimeout(300_000);

const market = useMarketplace();

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const PASS_URL = new RegExp(`/passes/(${UUID})$`);

/**
 * Purchases the ticket on the page the buyer is looking at. orders learns that a resale listing
 * went on sale from tickets' event, a moment after tickets shows it on sale: an answer that it is
 * not on sale (yet) is followed by a reload and another try, as a person would.
 */
async function purchaseOnceOnSale(t: BrowserTest, page: Page): Promise<string> {
  t.expectFailedRequest(409, '/api/orders');
  t.expectFailedRequest(404, '/api/orders');
  const deadline = Date.now() + 20_000;
  for (;;) {
    await page.getByRole('button', { name: 'Purchase' }).click();
    const outcome = await Promise.race([
      page.waitForURL(ORDER_URL).then(() => 'order' as const),
      alertIn(page, /not on sale|not found/i)
        .waitFor()
        .then(() => 'refused' as const),
    ]);
    if (outcome === 'order') break;
    if (Date.now() > deadline) throw new Error('the resale listing never became purchasable');
    await page.reload();
  }
  await seeHeading(page, 'Your order');
  return ORDER_URL.exec(new URL(page.url()).pathname)![1]!;
}

/** Pays on the order page and opens the pass from it; returns the pass's id and code. */
async function payAndOpenPass(page: Page, price: string): Promise<{ id: string; code: string }> {
  await pay(page, SUCCEEDING_CARD, price);
  await page.getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();
  // passes issues the pass a moment later: the order page asks again until it is there.
  await page.getByRole('link', { name: 'Show your ticket' }).click({ timeout: 30_000 });
  await page.waitForURL(PASS_URL);
  await page.getByText('Valid', { exact: true }).waitFor();
  await page.getByText('Can’t scan? Show the code as text').click();
  const code = (await page.locator('.pass__jws code').textContent()) ?? '';
  expect(code.split('.')).toHaveLength(3);
  return { id: PASS_URL.exec(new URL(page.url()).pathname)![1]!, code };
}

/** The generation a pass's code claims (its payload's `gen`). */
function generationOf(code: string): number {
  return JSON.parse(Buffer.from(code.split('.')[1]!, 'base64url').toString()).gen;
}

const results = (page: Page) => page.getByRole('region', { name: 'Scans' }).getByRole('listitem');

describe('secure swap', () => {
  market.scenario(
    'a buyer resells their pass within the cap; the door refuses it while listed; the next buyer gets a new pass the door admits, and the old code is refused as revoked',
    async (t) => {
      // An organizer's event, and a seat listed for it with a face value.
      const organizerAccount = await accountViaApi(market, 'quay-organizer@example.test');
      const created = await market.api('POST', '/api/events', {
        cookie: organizerAccount.cookie,
        json: { name: 'Quayside Strings', venue: 'Quay 3', city: 'Antwerp', startsAt: aMonthAhead().iso },
      });
      expect(created.status).toBe(201);
      const eventId: string = created.body.id;
      const seller = await accountViaApi(market, 'quay-seller@example.test');
      const listed = await market.api('POST', '/api/tickets', {
        cookie: seller.cookie,
        json: {
          title: 'Quayside Strings, stalls',
          price: 50,
          eventId,
          faceValue: 45,
          seat: { section: 'C', row: '4', seat: '9' },
        },
      });
      expect(listed.status).toBe(201);
      await untilOrdersKnows(market, seller.cookie, listed.body.id);

      // Buyer A pays $50.00 and gets the first pass of the seat.
      const buyerA = await t.visitor('buyer A');
      await signUp(buyerA, 'quay-buyer-a@example.test');
      await buyerA.goto(`/tickets/${listed.body.id}`);
      await purchase(buyerA);
      const passA = await payAndOpenPass(buyerA, '$55.00');
      expect(generationOf(passA.code)).toBe(1);

      // A cannot go after all: "Sell this ticket", where the cap shows before anything is sent.
      await buyerA.getByRole('link', { name: 'Sell this ticket' }).click();
      await seeHeading(buyerA, 'Sell your ticket');
      await buyerA.getByText('At most $60.00 — 120% of the $50.00 you paid for the ticket').waitFor();
      await buyerA.getByText(/^You paid \$55\.00 \(\$50\.00 for the ticket and a \$5\.00 service fee\)/).waitFor();
      await buyerA.getByText('Section C · Row 4 · Seat 9', { exact: false }).waitFor();
      const price = buyerA.getByLabel('Price (USD)', { exact: true });
      await price.fill('60.01');
      await buyerA.getByRole('button', { name: 'List for resale' }).click();
      await buyerA.getByText('Price must be at most $60.00 (120% of the $50.00 you paid for the ticket)').waitFor();
      expect(await price.getAttribute('aria-invalid')).toBe('true');
      expect(new URL(buyerA.url()).pathname).toBe(`/passes/${passA.id}/sell`);
      await t.step(buyerA, 'resale over the cap');
      await t.doc(buyerA, 'resale');

      // tickets holds the same cap: a cent over it is refused there too, exactly the cap is not.
      const overCap = await market.api('POST', '/api/tickets', {
        cookie: await cookieOf(buyerA),
        json: { resaleOfPassId: passA.id, price: 60.01 },
      });
      expect(overCap.status).toBe(400);
      expect(overCap.body.errors[0]).toMatchObject({ code: 'RESALE_PRICE_CAP', field: 'price' });

      await price.fill('60');
      await buyerA.getByText('You will receive $57.00 after the 5% seller fee', { exact: true }).waitFor();
      await buyerA.getByRole('button', { name: 'List for resale' }).click();
      await buyerA.waitForURL(TICKET_URL);
      const listingId = TICKET_URL.exec(new URL(buyerA.url()).pathname)![1]!;
      // Pending until passes has locked the pass; the page asks again until the listing is on sale.
      await buyerA.locator('.ticket-detail__status').getByText('On sale', { exact: true }).waitFor({ timeout: 30_000 });
      await buyerA.getByText(/cannot be used at the door; unlisting gives it back/).waitFor();
      await buyerA.getByText('$60.00', { exact: true }).waitFor();
      await t.step(buyerA, 'resale listing on sale');

      // A's pass page: listed for resale, with the listing, and no code to show at the door.
      await buyerA.goto(`/passes/${passA.id}`);
      await buyerA.getByRole('heading', { name: 'Listed for resale' }).waitFor();
      await buyerA.getByText(/While it is listed it cannot be used at the door/).waitFor();
      expect(await buyerA.getByRole('link', { name: 'see your listing' }).getAttribute('href')).toBe(
        `/tickets/${listingId}`,
      );
      expect(await buyerA.getByRole('img', { name: 'QR code of this ticket' }).count()).toBe(0);
      await t.step(buyerA, 'pass listed for resale');
      await t.doc(buyerA, 'pass-listed');

      // At the door, the listed pass is refused: online, and offline from the downloaded list.
      const organizer = await t.visitor('organizer');
      await organizer.goto(`/auth/signin?next=${encodeURIComponent(`/events/${eventId}/check-in`)}`);
      await signIn(organizer, organizerAccount.email);
      await seeHeading(organizer, 'Check-in: Quayside Strings');
      const scan = async (code: string, outcome: string | RegExp) => {
        await organizer.getByLabel('Ticket code').fill(code);
        await organizer.getByRole('button', { name: 'Check in' }).click();
        await results(organizer).first().filter({ hasText: outcome }).waitFor();
      };
      t.expectFailedRequest(409, '/api/passes/scan');
      await scan(passA.code, 'Refuse: this ticket is listed for resale right now.');
      await organizer.getByRole('button', { name: 'Prepare offline check-in' }).click();
      await results(organizer)
        .filter({ hasText: 'Ready offline: 1 signing key(s), 1 refused pass(es) (1 listed for resale).' })
        .waitFor();
      await scan(passA.code, 'Refuse: Listed for resale — this ticket cannot be used at the door while it is on sale.');
      await organizer.getByLabel('Check in offline').uncheck();
      await t.step(organizer, 'listed pass refused');

      // Buyer B finds the listing and buys it at the resale price.
      const buyerB = await t.visitor('buyer B');
      await signUp(buyerB, 'quay-buyer-b@example.test');
      await buyerB.goto(`/tickets/${listingId}`);
      await buyerB.getByText(/^A resold ticket: when you pay/).waitFor();
      await purchaseOnceOnSale(t, buyerB);
      const passB = await payAndOpenPass(buyerB, '$66.00');
      expect(passB.id).not.toBe(passA.id);
      expect(generationOf(passB.code)).toBe(2);
      await seeHeading(buyerB, 'Quayside Strings, stalls');
      await t.step(buyerB, 'new pass of the next generation');

      // The door admits B's new code and refuses A's old one: it was replaced.
      await scan(passB.code, 'Admit: valid ticket, checked in now.');
      await scan(passA.code, 'Refuse: this code was revoked — the ticket was resold or refunded.');
      await t.step(organizer, 'new pass admitted, old one refused');

      // A sees the sale: their listing sold, their pass revoked.
      await buyerA.goto(`/passes/${passA.id}`);
      await reloadUntilVisible(buyerA, buyerA.getByRole('heading', { name: 'This ticket no longer admits anyone' }));
      await mainNav(buyerA).getByRole('link', { name: 'My listings' }).click();
      await seeHeading(buyerA, 'My listings');
      await buyerA.getByRole('row').filter({ hasText: 'Quayside Strings, stalls' }).getByText('Sold').waitFor();
    },
    240_000,
  );

  market.scenario(
    'a seller who withdraws a resale listing gets the pass back, and a pass listed for another listing makes the second one rejected with its reason',
    async (t) => {
      const organizerAccount = await accountViaApi(market, 'dock-organizer@example.test');
      const created = await market.api('POST', '/api/events', {
        cookie: organizerAccount.cookie,
        json: { name: 'Dockside Brass', venue: 'Dock 9', city: 'Ghent', startsAt: aMonthAhead().iso },
      });
      expect(created.status).toBe(201);
      const eventId: string = created.body.id;
      const seller = await accountViaApi(market, 'dock-seller@example.test');
      const listed = await market.api('POST', '/api/tickets', {
        cookie: seller.cookie,
        json: { title: 'Dockside Brass, standing', price: 30, eventId },
      });
      expect(listed.status).toBe(201);
      await untilOrdersKnows(market, seller.cookie, listed.body.id);

      const holder = await t.visitor('holder');
      await signUp(holder, 'dock-holder@example.test');
      await holder.goto(`/tickets/${listed.body.id}`);
      await purchase(holder);
      const pass = await payAndOpenPass(holder, '$33.00');

      // First listing: on sale once the pass is locked.
      await holder.getByRole('link', { name: 'Sell this ticket' }).click();
      await holder.getByText('At most $36.00 — 120% of the $30.00 you paid for the ticket').waitFor();
      await holder.getByLabel('Price (USD)', { exact: true }).fill('36');
      await holder.getByRole('button', { name: 'List for resale' }).click();
      await holder.waitForURL(TICKET_URL);
      const firstListing = TICKET_URL.exec(new URL(holder.url()).pathname)![1]!;
      await holder.locator('.ticket-detail__status').getByText('On sale', { exact: true }).waitFor({ timeout: 30_000 });

      // A second listing of the same pass (through the API: the page no longer offers it) is refused.
      const second = await market.api('POST', '/api/tickets', {
        cookie: await cookieOf(holder),
        json: { resaleOfPassId: pass.id, price: 20 },
      });
      expect(second.status).toBe(201);
      await holder.goto(`/tickets/${second.body.id}`);
      await reloadUntilVisible(
        holder,
        holder.getByText(/This listing was refused: this pass is already listed for resale\./),
      );
      expect(await holder.getByRole('button', { name: 'Unlist' }).count()).toBe(0);
      await t.step(holder, 'rejected listing');
      await mainNav(holder).getByRole('link', { name: 'My listings' }).click();
      await seeHeading(holder, 'My listings');
      await holder
        .getByRole('row')
        .filter({ hasText: 'Refused: this pass is already listed for resale.' })
        .getByText('Rejected')
        .waitFor();

      // A stranger is not offered a rejected listing.
      const stranger = await t.visitor('stranger');
      await signUp(stranger, 'dock-stranger@example.test');
      await stranger.goto(`/tickets/${second.body.id}`);
      await stranger.getByText('This ticket is not on sale: its listing was refused.').waitFor();
      expect(await stranger.getByRole('button', { name: 'Purchase' }).count()).toBe(0);

      // Withdrawing the first listing gives the pass back: valid again, with its code and the offer to sell.
      await holder.goto(`/tickets/${firstListing}`);
      await holder.getByRole('button', { name: 'Unlist' }).click();
      await holder.getByText('Unlisted — buyers can no longer find or buy this ticket.').waitFor();
      await holder.goto(`/passes/${pass.id}`);
      await reloadUntilVisible(holder, holder.getByRole('img', { name: 'QR code of this ticket' }));
      await holder.getByText('Valid', { exact: true }).waitFor();
      await holder.getByRole('link', { name: 'Sell this ticket' }).waitFor();
      await t.step(holder, 'pass given back');

      // And the door admits it again.
      const scanned = await market.api('POST', '/api/passes/scan', {
        cookie: organizerAccount.cookie,
        json: { code: pass.code },
      });
      expect(scanned.status).toBe(200);
    },
    200_000,
  );
});
