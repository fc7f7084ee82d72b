/**
 * Events, passes and check-in in a real browser, against the platform as `npm start` runs it: an
 * organizer adds an event, a seller lists a seat for it, a buyer pays and gets a pass whose QR
 * code the organizer's check-in page admits once — online, and offline with the JWK set and the
 * revocation list only, syncing afterwards (the server keeps the first admission).
 */
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { useMarketplace } from './browser-harness';
import {
  accountViaApi,
  aMonthAhead,
  cookieOf,
  mainNav,
  paidPassViaApi,
  pay,
  purchase,
  SUCCEEDING_CARD,
  seeHeading,
  signIn,
  signUp,
  TICKET_URL,
  untilOrdersKnows,
} from './user-steps';

jest.setTimeout(240_000);

const market = useMarketplace();

/** What the QR code on the page says, read from a screenshot of it (as a phone camera would). */
async function readQrCode(page: Page): Promise<string> {
  const image = PNG.sync.read(await page.getByRole('img', { name: 'QR code of this ticket' }).screenshot());
  const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!decoded) throw new Error('the QR code on the page could not be read');
  return decoded.data;
}

const results = (page: Page) => page.getByRole('region', { name: 'Scans' }).getByRole('listitem');

describe('events, passes and check-in', () => {
  market.scenario(
    'an organizer adds an event, a seller lists a seat for it, the buyer pays and opens a pass whose QR code the check-in page admits once',
    async (t) => {
      const when = aMonthAhead();
      const organizer = await t.visitor('organizer');
      await signUp(organizer, 'harbour-organizer@example.test');
      await mainNav(organizer).getByRole('link', { name: 'Events' }).click();
      await seeHeading(organizer, 'Events');
      await organizer.getByRole('link', { name: 'Add an event' }).click();
      await seeHeading(organizer, 'Add an event');
      await organizer.getByLabel('Name', { exact: true }).fill('Harbour Jazz Night');
      await organizer.getByLabel('Venue', { exact: true }).fill('Pier 4');
      await organizer.getByLabel('City', { exact: true }).fill('Rotterdam');
      await organizer.getByLabel('Starts at', { exact: true }).fill(when.local);
      await organizer.getByLabel('Category (optional)').fill('concert');
      await organizer.getByRole('button', { name: 'Add event' }).click();
      await seeHeading(organizer, 'Harbour Jazz Night');
      const eventPath = new URL(organizer.url()).pathname;
      await t.step(organizer, 'event added');

      // A seller finds the event in the catalog and lists a seat for it.
      const seller = await t.visitor('seller');
      await signUp(seller, 'harbour-seller@example.test');
      await seller.goto('/events?q=harbour');
      await t.doc(seller, 'events');
      await seller.getByRole('link', { name: 'Harbour Jazz Night' }).click();
      await seller.getByRole('link', { name: 'Sell a ticket for this event' }).click();
      await seeHeading(seller, 'Sell a ticket');
      await seller.getByLabel('Title', { exact: true }).fill('Harbour Jazz Night, balcony');
      await seller.getByLabel('Price (USD)', { exact: true }).fill('60');
      await seller.getByLabel('Face value (USD, optional)').fill('55');
      await seller.getByLabel('Section', { exact: true }).fill('B');
      await seller.getByLabel('Row', { exact: true }).fill('7');
      await seller.getByLabel('Seat', { exact: true }).fill('12');
      await seller.getByRole('button', { name: 'List ticket' }).click();
      await seller.waitForURL(TICKET_URL);
      await seller.getByText('Section B · Row 7 · Seat 12 · Face value $55.00').waitFor();
      await seller.getByText(/^For Harbour Jazz Night/).waitFor();
      const ticketId = TICKET_URL.exec(new URL(seller.url()).pathname)![1]!;
      await untilOrdersKnows(market, await cookieOf(seller), ticketId);

      // The buyer picks the seat from the event's page, pays, and opens the ticket from the order.
      const buyer = await t.visitor('buyer');
      await signUp(buyer, 'harbour-buyer@example.test');
      await buyer.goto(eventPath);
      const row = buyer.getByRole('row').filter({ hasText: 'Section B · Row 7 · Seat 12' });
      // The event's listings show the all-in price: $60.00 and the 10 % service fee.
      await row.getByText('$66.00', { exact: true }).waitFor();
      await row.getByRole('link', { name: 'View' }).click();
      await purchase(buyer);
      await pay(buyer, SUCCEEDING_CARD, '$66.00');
      await buyer.getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();
      // passes issues the pass a moment later: the order page asks again until it is there.
      await buyer.getByRole('link', { name: 'Show your ticket' }).click({ timeout: 30_000 });
      await seeHeading(buyer, 'Harbour Jazz Night, balcony');
      await buyer.getByText('Valid', { exact: true }).waitFor();
      await t.step(buyer, 'pass with its QR code');
      await t.doc(buyer, 'pass');

      // The QR code holds the pass's code, the same as the text under it.
      const code = await readQrCode(buyer);
      await buyer.getByText('Can’t scan? Show the code as text').click();
      expect(await buyer.locator('.pass__jws code').textContent()).toBe(code);
      expect(code.split('.')).toHaveLength(3);

      // My tickets lists it.
      await mainNav(buyer).getByRole('link', { name: 'My tickets' }).click();
      await seeHeading(buyer, 'My tickets');
      await buyer.getByRole('row').filter({ hasText: 'Harbour Jazz Night, balcony' }).getByText('Valid').waitFor();

      // At the door: the organizer's check-in page admits it once.
      await organizer.goto(eventPath);
      await organizer.getByRole('link', { name: 'Check tickets in at the door' }).click();
      await seeHeading(organizer, 'Check-in: Harbour Jazz Night');
      await organizer.getByLabel('Ticket code').fill(code);
      await organizer.getByRole('button', { name: 'Check in' }).click();
      await results(organizer).filter({ hasText: 'Admit: valid ticket, checked in now.' }).waitFor();
      t.expectFailedRequest(409, '/api/passes/scan');
      await organizer.getByLabel('Ticket code').fill(code);
      await organizer.getByRole('button', { name: 'Check in' }).click();
      await results(organizer)
        .filter({ hasText: /^Refuse: already checked in at / })
        .waitFor();
      await t.step(organizer, 'check-in');
      await t.doc(organizer, 'check-in');

      await buyer.goto('/passes');
      await buyer.getByRole('row').filter({ hasText: 'Harbour Jazz Night, balcony' }).getByText('Checked in').waitFor();
    },
    180_000,
  );

  market.scenario(
    'offline, the check-in page verifies codes with the keys it downloaded, admits each pass once, and syncs: the first admission on the server stands',
    async (t) => {
      const organizerAccount = await accountViaApi(market, 'pier-organizer@example.test');
      const created = await market.api('POST', '/api/events', {
        cookie: organizerAccount.cookie,
        json: { name: 'Pier Sessions', venue: 'Pier 5', city: 'Rotterdam', startsAt: aMonthAhead().iso },
      });
      expect(created.status).toBe(201);
      const eventId: string = created.body.id;
      const first = await paidPassViaApi(market, eventId, 'pier-one');
      const second = await paidPassViaApi(market, eventId, 'pier-two');

      const organizer = await t.visitor('organizer');
      await organizer.goto(`/auth/signin?next=${encodeURIComponent(`/events/${eventId}/check-in`)}`);
      await signIn(organizer, organizerAccount.email);
      await seeHeading(organizer, 'Check-in: Pier Sessions');
      await organizer.getByRole('button', { name: 'Prepare offline check-in' }).click();
      await results(organizer)
        .filter({ hasText: /^Ready offline: 1 signing key\(s\), 0 refused pass\(es\)\.$/ })
        .waitFor();
      expect(await organizer.getByLabel('Check in offline').isChecked()).toBe(true);

      // The network goes; the door keeps working.
      await t.setOffline(organizer, true);
      const scan = async (code: string, outcome: string | RegExp) => {
        await organizer.getByLabel('Ticket code').fill(code);
        await organizer.getByRole('button', { name: 'Check in' }).click();
        await results(organizer).first().filter({ hasText: outcome }).waitFor();
      };
      await scan(first.code, 'Admit (offline): valid ticket, checked in on this device.');
      await scan(first.code, /^Refuse: already checked in on this device at /);
      const [header, payload, signature] = first.code.split('.') as [string, string, string];
      const altered = JSON.parse(Buffer.from(payload, 'base64url').toString());
      await scan(
        `${header}.${Buffer.from(JSON.stringify({ ...altered, gen: 2 })).toString('base64url')}.${signature}`,
        'Refuse: The signature does not match: a forged or altered code.',
      );
      // Meanwhile another door, online, admits the second pass first.
      const elsewhere = await market.api('POST', '/api/passes/scan', {
        cookie: organizerAccount.cookie,
        json: { code: second.code },
      });
      expect(elsewhere.status).toBe(200);
      await scan(second.code, 'Admit (offline): valid ticket, checked in on this device.');
      await t.step(organizer, 'offline check-in');

      // Back online: the admissions go to the server, which reports the one it had already seen.
      await t.setOffline(organizer, false);
      t.expectFailedRequest(409, '/api/passes/scan');
      await organizer.getByRole('button', { name: 'Sync 2 admissions' }).click();
      await results(organizer).filter({ hasText: 'Synced: 1 admission(s) recorded on the server.' }).waitFor();
      await results(organizer)
        .filter({
          hasText:
            /^Conflict: a pass admitted here at .* had already been checked in at .* — the first admission stands\.$/,
        })
        .waitFor();
      await organizer.getByText(/· 2 admitted on this device · 0 not yet synced$/).waitFor();

      const again = await market.api('POST', '/api/passes/scan', {
        cookie: organizerAccount.cookie,
        json: { code: first.code },
      });
      expect(again.status).toBe(409);
      expect(again.body.errors[0].code).toBe('PASS_ALREADY_ADMITTED');
    },
    180_000,
  );
});
