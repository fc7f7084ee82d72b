/**
 * The marketplace in a real browser (Debian's Chromium) against the platform started as
 * `npm start` starts it. The first three scenarios are one story told in order — a seller lists a
 * ticket, a buyer pays for it, nobody else can have it — so they share that ticket; the others
 * arrange their own data.
 */
import type { Page } from 'playwright-core';
import { useMarketplace } from './browser-harness';
import {
  accountViaApi,
  alertIn,
  DECLINED_CARD,
  fillCard,
  fillSignUp,
  mainNav,
  pay,
  purchase,
  reloadUntilVisible,
  SUCCEEDING_CARD,
  search,
  seeHeading,
  signIn,
  signUp,
  TICKET_URL,
  ticketCard,
  ticketViaApi,
} from './user-steps';

jest.setTimeout(180_000);

const market = useMarketplace();

/** Other sellers' tickets, so the list and the search have something to tell apart. */
const OTHER_TICKETS = [
  { title: 'Symphony No. 9 — Royal Hall, stalls H12', price: 64 },
  { title: 'City derby — East Stand, row 12', price: 45 },
  { title: 'Summer festival weekend pass', price: 189 },
  { title: 'Hamlet — evening show, circle C7', price: 38.5 },
  { title: 'Stand-up comedy night — front row', price: 18 },
];

const story = {
  seller: 'seller@example.test',
  buyer: 'buyer@example.test',
  title: 'Jazz night at the Blue Room — 12 June, row F',
  price: '20.50',
  /** The seller's price, as the seller sees it on their listing. */
  shownPrice: '$20.50',
  /** What a buyer sees and pays: the price plus the 10 % service fee. */
  allInPrice: '$22.55',
  breakdown: 'Ticket $20.50 · Service fee $2.05 · Total $22.55',
  ticketId: undefined as string | undefined,
};

/** The story's ticket, listed by the first scenario. */
function storyTicket(): string {
  if (!story.ticketId) throw new Error('no ticket: the seller scenario did not list one');
  return story.ticketId;
}

beforeAll(async () => {
  const other = await accountViaApi(market, 'other-seller@example.test');
  for (const ticket of OTHER_TICKETS) await ticketViaApi(market, other, ticket.title, ticket.price);
});

/** The element(s) that the input names as its description: its hint and its error. */
async function descriptionOf(page: Page, label: string) {
  const ids = (await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby')) ?? '';
  return page.locator(
    ids
      .split(/\s+/)
      .filter(Boolean)
      .map((id) => `[id="${id}"]`)
      .join(', '),
  );
}

describe('buying and selling tickets in the browser', () => {
  market.scenario(
    'a seller signs up, lists a ticket and corrects its price: it is on sale and in their listings',
    async (t) => {
      const seller = await t.visitor('seller');
      await signUp(seller, story.seller);
      await t.step(seller, 'signed up');

      await mainNav(seller).getByRole('link', { name: 'Sell' }).click();
      await seeHeading(seller, 'Sell a ticket');
      await seller.getByLabel('Title', { exact: true }).fill(story.title);
      await seller.getByLabel('Price (USD)', { exact: true }).fill('22');
      // What the sale pays, as the price is typed: $22.00 less the 5 % seller fee.
      await seller.getByText('You will receive $20.90 after the 5% seller fee', { exact: true }).waitFor();
      await t.doc(seller, 'sell-form');
      await t.step(seller, 'sell form filled');
      await seller.getByRole('button', { name: 'List ticket' }).click();

      await seller.waitForURL(TICKET_URL);
      story.ticketId = TICKET_URL.exec(new URL(seller.url()).pathname)![1];
      await seeHeading(seller, story.title);
      await seller.getByText('$22.00', { exact: true }).waitFor();
      await seller.getByText('This is your listing.').waitFor();
      await seller
        .getByText('Buyers pay $24.20 with the service fee; you will receive $20.90.', { exact: true })
        .waitFor();
      await t.step(seller, 'ticket listed');

      await seller.getByRole('link', { name: 'Edit ticket' }).click();
      await seeHeading(seller, 'Edit ticket');
      const price = seller.getByLabel('Price (USD)', { exact: true });
      expect(await price.inputValue()).toBe('22.00');
      await seller.getByText('You will receive $20.90 after the 5% seller fee', { exact: true }).waitFor();
      await price.fill(story.price);
      await seller.getByText('You will receive $19.47 after the 5% seller fee', { exact: true }).waitFor();
      await seller.getByRole('button', { name: 'Save changes' }).click();
      await seller.waitForURL(`/tickets/${story.ticketId}`);
      await seller.getByText(story.shownPrice, { exact: true }).waitFor();
      await seller.getByText('On sale', { exact: true }).waitFor();
      await t.step(seller, 'price corrected');

      await mainNav(seller).getByRole('link', { name: 'My listings' }).click();
      await seeHeading(seller, 'My listings');
      const row = seller.getByRole('row').filter({ hasText: story.title });
      await row.getByText('On sale', { exact: true }).waitFor();
      await row.getByText(story.shownPrice, { exact: true }).waitFor();
      await t.doc(seller, 'my-listings');
      await t.step(seller, 'my listings');

      await mainNav(seller).getByRole('link', { name: 'Sign out' }).click();
      await mainNav(seller).getByRole('link', { name: 'Sign in' }).waitFor();
      expect(await mainNav(seller).getByText(story.seller).count()).toBe(0);
    },
  );

  market.scenario(
    'a buyer finds the ticket by search, purchases it, sees the countdown, pays with a test card and the order is paid',
    async (t) => {
      const ticketId = storyTicket();
      const buyer = await t.visitor('buyer');
      await signUp(buyer, story.buyer);
      await seeHeading(buyer, 'Tickets for sale');
      // npm start runs payments without a Stripe key: every page says that no money moves.
      await buyer.getByRole('status').filter({ hasText: 'Sandbox — no money moves.' }).waitFor();
      await ticketCard(buyer, story.title).waitFor();
      // The list shows the all-in price; its breakdown is one click away on the card.
      const card = ticketCard(buyer, story.title);
      await card.getByText(story.allInPrice, { exact: true }).waitFor();
      expect(await card.getByText(story.breakdown, { exact: true }).isVisible()).toBe(false);
      await card.locator('summary', { hasText: 'Price breakdown' }).click();
      await card.getByText(story.breakdown, { exact: true }).waitFor();
      expect(new URL(buyer.url()).pathname).toBe('/');
      await t.doc(buyer, 'landing');
      await t.step(buyer, 'ticket list');

      await search(buyer, 'jazz');
      await ticketCard(buyer, story.title).getByText(story.allInPrice, { exact: true }).waitFor();
      expect(await buyer.getByRole('listitem').filter({ hasText: OTHER_TICKETS[0]!.title }).count()).toBe(0);
      await t.step(buyer, 'search results');

      await buyer.getByRole('link', { name: story.title, exact: true }).click();
      await buyer.waitForURL(`/tickets/${ticketId}`);
      await seeHeading(buyer, story.title);
      await buyer.getByText(story.allInPrice, { exact: true }).waitFor();
      expect(await buyer.getByText(story.shownPrice, { exact: true }).count()).toBe(0);
      await t.doc(buyer, 'ticket-detail');
      await t.step(buyer, 'ticket detail');

      await purchase(buyer);
      const timer = buyer.getByRole('timer');
      await timer.filter({ hasText: /^Expires in 1[45]:\d\d$/ }).waitFor();
      // The countdown is live: it shows another time a moment later.
      const firstReading = (await timer.textContent()) ?? '';
      await timer.filter({ hasNotText: firstReading }).waitFor();
      await fillCard(buyer, SUCCEEDING_CARD);
      await t.doc(buyer, 'order-payment');
      await t.step(buyer, 'order with countdown');

      await pay(buyer, SUCCEEDING_CARD, story.allInPrice);
      const outcome = buyer.getByRole('status');
      await outcome.getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();
      expect(await buyer.getByRole('timer').count()).toBe(0);
      await t.step(buyer, 'paid');

      // The order is complete on the server too (payment.created reached orders): My orders says so.
      await outcome.getByRole('link', { name: 'See all your orders' }).click();
      await seeHeading(buyer, 'My orders');
      const row = buyer.getByRole('row').filter({ hasText: story.title });
      await reloadUntilVisible(buyer, row.getByText('Paid', { exact: true }));
      await row.getByText(story.allInPrice, { exact: true }).waitFor();
      await row.getByRole('link', { name: /View order/ }).click();
      await seeHeading(buyer, 'Your order');
      await buyer.getByRole('status').getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();
      expect(await buyer.getByRole('button', { name: /^Pay / }).count()).toBe(0);
      await t.doc(buyer, 'order-paid');
      await t.step(buyer, 'paid order');
    },
  );

  market.scenario('once sold, the ticket is gone from the list and a second buyer cannot buy it', async (t) => {
    const ticketId = storyTicket();
    const second = await t.visitor('second buyer');
    await signUp(second, 'second-buyer@example.test');

    await seeHeading(second, 'Tickets for sale');
    await ticketCard(second, OTHER_TICKETS[0]!.title).waitFor();
    expect(await ticketCard(second, story.title).count()).toBe(0);
    await search(second, 'jazz');
    await second.getByText('No tickets match “jazz”.').waitFor();
    await t.step(second, 'not found by search');

    // Someone who kept the link: the page says it is sold (order.completed reached tickets).
    await second.goto(`/tickets/${ticketId}`);
    await seeHeading(second, story.title);
    await reloadUntilVisible(second, second.getByText('This ticket has been sold.'));
    await second.getByText('Sold', { exact: true }).waitFor();
    expect(await second.getByRole('button', { name: 'Purchase' }).count()).toBe(0);
    await t.step(second, 'sold ticket');
  });

  market.scenario(
    'the buyer who holds a reservation is sent back to it from the ticket page, and once paid is told the ticket is theirs',
    async (t) => {
      const seller = await accountViaApi(market, 'holder-seller@example.test');
      const title = 'Opera — Stalls, row K, seat 9';
      const ticketId = await ticketViaApi(market, seller, title, 120);
      const buyer = await t.visitor('holder');
      await signUp(buyer, 'holder@example.test');
      await buyer.goto(`/tickets/${ticketId}`);
      const orderId = await purchase(buyer);

      // Back on the ticket (once order.created reached tickets): their reservation, not a stranger's.
      await buyer.goto(`/tickets/${ticketId}`);
      await reloadUntilVisible(buyer, buyer.getByText('You have reserved this ticket.'));
      expect(await buyer.getByText('Someone is buying this ticket right now', { exact: false }).count()).toBe(0);
      await buyer
        .getByRole('timer')
        .filter({ hasText: /^Expires in 1[45]:\d\d$/ })
        .waitFor();
      await t.step(buyer, 'own reservation');
      await buyer.getByRole('link', { name: 'Continue to payment' }).click();
      await buyer.waitForURL(`/orders/${orderId}`);
      await pay(buyer, SUCCEEDING_CARD, '$132.00');
      await buyer.getByRole('status').getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();

      // Sold (order.completed reached tickets): to its buyer, theirs — not "This ticket has been sold."
      await buyer.goto(`/tickets/${ticketId}`);
      await reloadUntilVisible(buyer, buyer.getByText('You bought this ticket', { exact: false }));
      expect(await buyer.getByText('This ticket has been sold.').count()).toBe(0);
      await t.step(buyer, 'own sold ticket');
      await buyer.getByRole('link', { name: 'view your order' }).click();
      await buyer.waitForURL(`/orders/${orderId}`);
      await seeHeading(buyer, 'Your order');
    },
  );

  market.scenario('cancelling a reservation asks first; once confirmed, the ticket goes back on sale', async (t) => {
    const seller = await accountViaApi(market, 'cancel-seller@example.test');
    const ticketId = await ticketViaApi(market, seller, 'Theatre — Circle, row B, seat 4', 48);
    const buyer = await t.visitor('hesitant buyer');
    await signUp(buyer, 'hesitant@example.test');
    await buyer.goto(`/tickets/${ticketId}`);
    await purchase(buyer);

    await buyer.getByRole('button', { name: 'Cancel order' }).click();
    const question = buyer.getByRole('group', { name: 'Cancel your reservation? The ticket goes back on sale.' });
    await question.waitFor();
    await t.step(buyer, 'cancel asks first');
    // Keyboard first: the focused answer keeps the reservation.
    await buyer.keyboard.press('Enter');
    await buyer.getByRole('button', { name: 'Cancel order' }).waitFor();
    await buyer.getByRole('button', { name: 'Pay $52.80' }).waitFor();

    await buyer.getByRole('button', { name: 'Cancel order' }).click();
    await question.getByRole('button', { name: 'Yes, cancel it' }).click();
    await buyer.getByRole('status').getByRole('heading', { name: 'This order was cancelled' }).waitFor();
    await buyer.goto(`/tickets/${ticketId}`);
    await reloadUntilVisible(buyer, buyer.getByRole('button', { name: 'Purchase' }));
  });

  market.scenario(
    'the sell form says what is wrong with a price by its size, and counts the title’s characters',
    async (t) => {
      const seller = await t.visitor('careful seller');
      await signUp(seller, 'careful-seller@example.test');
      await mainNav(seller).getByRole('link', { name: 'Sell' }).click();
      await seeHeading(seller, 'Sell a ticket');
      const title = seller.getByLabel('Title', { exact: true });
      expect(await title.getAttribute('maxlength')).toBe('200');
      await title.fill('Ballet — 3 May');
      await seller.getByText('14/200', { exact: true }).waitFor();

      const price = seller.getByLabel('Price (USD)', { exact: true });
      for (const [typed, message] of [
        ['-1', 'Price must be greater than 0'],
        ['1e9', 'Price must be at most 1,000,000'],
      ] as const) {
        await price.fill(typed);
        await seller.getByRole('button', { name: 'List ticket' }).click();
        await seller.getByText(message, { exact: true }).waitFor();
        expect(await seller.getByText('Price must be a number, like 20 or 20.50').count()).toBe(0);
      }
      await t.step(seller, 'price too high');
    },
  );

  market.scenario('when two buyers press Purchase on the same ticket, the second is refused', async (t) => {
    const seller = await accountViaApi(market, 'derby-seller@example.test');
    const title = 'Cup final — West Stand, block 104';
    const ticketId = await ticketViaApi(market, seller, title, 75);
    t.expectFailedRequest(400, '/api/orders');

    const [first, second] = await Promise.all([t.visitor('first buyer'), t.visitor('second buyer')]);
    await Promise.all([signUp(first, 'first-fan@example.test'), signUp(second, 'second-fan@example.test')]);
    for (const page of [first, second]) {
      await page.goto(`/tickets/${ticketId}`);
      await page.getByRole('button', { name: 'Purchase' }).waitFor();
    }

    await purchase(first);
    await second.getByRole('button', { name: 'Purchase' }).click();
    await alertIn(second, 'Ticket is already reserved').waitFor();
    expect(new URL(second.url()).pathname).toBe(`/tickets/${ticketId}`);
    // Refused, the page stops offering the ticket at once and brings itself up to date.
    expect(await second.getByRole('button', { name: 'Purchase' }).count()).toBe(0);
    await second.getByText('Someone is buying this ticket right now', { exact: false }).waitFor();
    await second.getByText('Reserved', { exact: true }).waitFor();
    expect(await second.getByText('On sale', { exact: true }).count()).toBe(0);
    await alertIn(second, 'Ticket is already reserved').waitFor();
    await t.step(second, 'purchase refused');
  });

  market.scenario('Back after Purchase shows the ticket as it is now: reserved by this buyer', async (t) => {
    const seller = await accountViaApi(market, 'back-seller@example.test');
    const ticketId = await ticketViaApi(market, seller, 'Jazz club — Friday, table 6', 30);
    const buyer = await t.visitor('buyer going back');
    await signUp(buyer, 'back-buyer@example.test');
    await buyer.goto(`/tickets/${ticketId}`);
    await buyer.getByText('On sale', { exact: true }).waitFor();
    await purchase(buyer);

    await buyer.goBack();
    await buyer.waitForURL(`/tickets/${ticketId}`);
    await buyer.getByText('You have reserved this ticket.').waitFor();
    expect(await buyer.getByRole('button', { name: 'Purchase' }).count()).toBe(0);
    expect(await buyer.getByText('On sale', { exact: true }).count()).toBe(0);
    await t.step(buyer, 'back after purchase');
  });

  market.scenario(
    'a declined card shows the decline message at the card field, and the order can still be paid',
    async (t) => {
      const seller = await accountViaApi(market, 'comedy-seller@example.test');
      const ticketId = await ticketViaApi(market, seller, 'Improv show — Saturday late, row B', 35);
      t.expectFailedRequest(402, '/api/payments');

      const buyer = await t.visitor('buyer');
      await signUp(buyer, 'unlucky-buyer@example.test');
      await buyer.goto(`/tickets/${ticketId}`);
      await purchase(buyer);

      await pay(buyer, DECLINED_CARD, '$38.50');
      const card = buyer.getByLabel('Card number', { exact: true });
      const cardDescription = await descriptionOf(buyer, 'Card number');
      await cardDescription.filter({ hasText: 'Your card was declined.' }).waitFor();
      expect(await card.getAttribute('aria-invalid')).toBe('true');
      await t.step(buyer, 'card declined');

      // Still payable: the countdown runs, the Pay button works, and the server agrees after a reload.
      await buyer
        .getByRole('timer')
        .filter({ hasText: /^Expires in / })
        .waitFor();
      expect(await buyer.getByRole('button', { name: 'Pay $38.50' }).isEnabled()).toBe(true);
      await buyer.reload();
      await buyer.getByText('Awaiting payment', { exact: true }).waitFor();
      await buyer
        .getByRole('timer')
        .filter({ hasText: /^Expires in / })
        .waitFor();

      await pay(buyer, SUCCEEDING_CARD, '$38.50');
      await buyer.getByRole('status').getByRole('heading', { name: 'Paid — the ticket is yours' }).waitFor();
      await t.step(buyer, 'paid with another card');
    },
  );

  market.scenario(
    'a signed-out visitor who wants to sell is sent to sign in, then back to the sell form',
    async (t) => {
      const account = await accountViaApi(market, 'returning-seller@example.test');
      const visitor = await t.visitor('visitor');
      await visitor.goto('/');
      await seeHeading(visitor, 'Tickets for sale');
      await visitor.getByRole('main').getByRole('link', { name: 'Sell a ticket' }).click();

      await visitor.waitForURL(
        (url) => url.pathname === '/auth/signin' && url.searchParams.get('next') === '/tickets/new',
      );
      await seeHeading(visitor, 'Sign in');
      await visitor.getByText('Sign in to continue.').waitFor();
      await t.doc(visitor, 'sign-in');
      await t.step(visitor, 'sent to sign in');

      await signIn(visitor, account.email);
      await visitor.waitForURL('/tickets/new');
      await seeHeading(visitor, 'Sell a ticket');
      await visitor.getByLabel('Title', { exact: true }).waitFor();
      await t.step(visitor, 'back at the sell form');
    },
  );

  market.scenario(
    'a sign-in or sign-up link whose next leads to another site lands on this site’s home page',
    async (t) => {
      const account = await accountViaApi(market, 'redirected@example.test');
      const visitor = await t.visitor('visitor');
      const landsHome = (url: URL) => url.origin === new URL(market.url).origin && url.pathname === '/';
      // As typed into an address bar: %09 is a tab, %5C a backslash.
      const hostile = ['/%09/evil.example', '//evil.example', '/%5Cevil.example', 'https://evil.example'];

      // Through the form: after signing in (or up), the page goes to next.
      for (const next of hostile) {
        await visitor.goto(`/auth/signin?next=${next}`);
        await seeHeading(visitor, 'Sign in');
        await signIn(visitor, account.email);
        await visitor.waitForURL(landsHome);
        await mainNav(visitor).getByRole('link', { name: 'Sign out' }).click();
        await mainNav(visitor).getByRole('link', { name: 'Sign in' }).waitFor();
      }
      await visitor.goto(`/auth/signup?next=${hostile[0]}`);
      await fillSignUp(visitor, 'redirected-new@example.test');
      await visitor.waitForURL(landsHome);
      await t.step(visitor, 'signed in, at home');

      // Signed in already: the pages send the visitor on at once.
      for (const page of ['signin', 'signup']) {
        for (const next of hostile) {
          await visitor.goto(`/auth/${page}?next=${next}`);
          await visitor.waitForURL(landsHome);
        }
      }
    },
  );

  market.scenario(
    'the footer leads to the API documentation: each service’s OpenAPI document and the events’ AsyncAPI document, rendered from this origin',
    async (t) => {
      const reader = await t.visitor('integrator');
      await reader.goto('/');
      await reader.getByRole('contentinfo').getByRole('link', { name: 'API documentation' }).click();
      await seeHeading(reader, 'API documentation');
      const panel = reader.getByRole('tabpanel');

      // Swagger UI renders each service's document, fetched from the service through the gateway.
      for (const [tab, title, path] of [
        ['Accounts', 'Ticketing auth API', '/api/users/signup'],
        ['Tickets', 'Ticketing tickets API', '/api/tickets/{id}'],
        ['Orders', 'Ticketing orders API', '/api/orders/{id}'],
        ['Payments', 'Ticketing payments API', '/api/payments/webhook'],
      ] as const) {
        await reader.getByRole('tab', { name: tab }).click();
        await panel.getByRole('heading', { name: new RegExp(title) }).waitFor();
        await panel.getByText(path, { exact: true }).first().waitFor();
      }
      await t.step(reader, 'orders API');

      // AsyncAPI's component renders the event catalog: every subject is a channel.
      await reader.getByRole('tab', { name: 'Events' }).click();
      await panel.getByText('Ticketing events').first().waitFor();
      for (const subject of ['ticket.created', 'order.created', 'expiration.complete', 'payment.created']) {
        await panel.getByText(subject, { exact: true }).first().waitFor();
      }
      await t.doc(reader, 'api-docs');
    },
  );
});
