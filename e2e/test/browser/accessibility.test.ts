/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The functions passed to page.evaluate run in the browser.
/**
 * Accessibility and small screens in a real browser: what sign-in and sign-up say and offer, the
 * header on a phone, the size of what can be tapped, the focus ring's contrast, the skip link,
 * page titles, and that the landing page does not fetch every ticket's page in advance.
 */
import { randomUUID } from 'node:crypto';
import { waitFor } from '@ticketing/common/testing';
import type { Locator, Page } from 'playwright-core';
import { useMarketplace } from './browser-harness';
import {
  accountViaApi,
  alertIn,
  aMonthAhead,
  mainNav,
  PASSWORD,
  paidPassViaApi,
  purchase,
  search,
  seeHeading,
  signIn,
  signUp,
  ticketCard,
  ticketViaApi,
} from './user-steps';

jest.setTimeout(240_000);

const market = useMarketplace();

const PHONE = { width: 390, height: 844 } as const;
const DESKTOP = { width: 1280, height: 800 } as const;
const WRONG_CREDENTIALS = "That email and password don't match";
const TICKETS = ['Quartet at the Old Mill — row A', 'Derby day — North Stand', 'Folk weekend — camping pass'];

/** Tickets on the landing page for every scenario, and their seller. */
const listed = { seller: undefined as { cookie: string; email: string } | undefined, ids: [] as string[] };

beforeAll(async () => {
  listed.seller = await accountViaApi(market, 'a11y-seller@example.test');
  for (const [index, title] of TICKETS.entries()) {
    listed.ids.push(await ticketViaApi(market, listed.seller, title, 20 + index));
  }
});

/** The Menu button of the header, on a small screen. */
const menuButton = (page: Page) => mainNav(page).getByRole('button', { name: 'Menu' });

/** The box of an element in CSS pixels of the viewport. */
async function boxOf(locator: Locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`${locator} has no box`);
  return box;
}

function overlap(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Every visible control on the page (links, buttons, inputs, tabs…) smaller than 24×24 CSS px,
 * described as "<tag> 'text' w×h". Visually hidden elements (1×1, for screen readers) are not
 * targets anyone taps.
 */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector =
      'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [role="tab"], [tabindex]:not([tabindex="-1"])';
    const small: string[] = [];
    for (const element of document.querySelectorAll<HTMLElement>(selector)) {
      if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      if (element.closest('.visually-hidden')) continue;
      const box = element.getBoundingClientRect();
      if (box.width <= 1 && box.height <= 1) continue;
      if (box.width < 24 || box.height < 24) {
        const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
        small.push(
          `${element.tagName.toLowerCase()} '${text || element.getAttribute('aria-label') || element.id}' ${box.width.toFixed(1)}×${box.height.toFixed(1)}`,
        );
      }
    }
    return small;
  });
}

/**
 * The focused element's focus ring: its colour and width, the colour of what lies around it,
 * and their contrast ratio (WCAG's relative luminance). The ring is the element's outline, or its
 * ::after's when the element draws it there (ticket cards). What lies around an outline drawn
 * outside the element is the nearest opaque background of the ancestors; inside it, its own.
 */
async function focusRing(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return null;
    const rgba = (colour: string) => {
      const parts = colour.match(/[\d.]+/g)?.map(Number) ?? [];
      return { r: parts[0] ?? 0, g: parts[1] ?? 0, b: parts[2] ?? 0, a: parts[3] ?? 1 };
    };
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const [lr, lg, lb] = [r, g, b].map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr! + 0.7152 * lg! + 0.0722 * lb!;
    };
    let style = getComputedStyle(element);
    let from: Element | null = element;
    if (style.outlineStyle === 'none' || Number.parseFloat(style.outlineWidth) === 0) {
      style = getComputedStyle(element, '::after');
      // An absolutely placed ::after covers its positioned ancestor: the ring lies around that one.
      let positioned: Element | null = element.parentElement;
      while (positioned && getComputedStyle(positioned).position === 'static') positioned = positioned.parentElement;
      from = positioned;
    }
    if (style.outlineStyle === 'none') return { element: element.outerHTML.slice(0, 80), width: 0, contrast: 0 };
    const inside = Number.parseFloat(style.outlineOffset) < 0;
    let around = inside ? from : (from?.parentElement ?? null);
    let background = rgba('rgb(255, 255, 255)');
    while (around) {
      const colour = rgba(getComputedStyle(around).backgroundColor);
      if (colour.a > 0) {
        background = colour;
        break;
      }
      around = around.parentElement;
    }
    const ring = rgba(style.outlineColor);
    const [light, dark] = [luminance(ring), luminance(background)].sort((a, b) => b - a);
    return {
      element: element.outerHTML.slice(0, 80),
      ring: style.outlineColor,
      background: `rgb(${background.r}, ${background.g}, ${background.b})`,
      width: Number.parseFloat(style.outlineWidth),
      contrast: (light! + 0.05) / (dark! + 0.05),
    };
  });
}

describe('signing in and up', () => {
  market.scenario('a wrong password and an unknown email both say "That email and password don’t match"', async (t) => {
    const account = await accountViaApi(market, 'forgetful@example.test');
    t.expectFailedRequest(400, '/api/users/signin');
    const visitor = await t.visitor('forgetful visitor');
    await visitor.goto('/auth/signin');
    await seeHeading(visitor, 'Sign in');

    for (const email of [account.email, 'nobody-here@example.test']) {
      await visitor.getByLabel('Email', { exact: true }).fill(email);
      await visitor.getByLabel('Password', { exact: true }).fill('not-the-password');
      await visitor.getByRole('button', { name: 'Sign in' }).click();
      await alertIn(visitor, WRONG_CREDENTIALS).waitFor();
      expect((await visitor.getByRole('alert').filter({ hasText: /\S/ }).allTextContents()).join('')).toBe(
        WRONG_CREDENTIALS,
      );
      await t.step(visitor, `refused ${email}`);
      // The next attempt starts from an empty alert, so the same message must appear again.
      await visitor.getByLabel('Email', { exact: true }).fill('');
      await visitor.getByRole('button', { name: 'Sign in' }).click();
      await visitor.getByText('Email is required', { exact: true }).waitFor();
    }
    const answer = await market.api('POST', '/api/users/signin', {
      json: { email: account.email, password: 'not-the-password' },
    });
    expect(answer.body.errors).toEqual([{ message: WRONG_CREDENTIALS, code: 'INVALID_CREDENTIALS' }]);
  });

  market.scenario(
    'signing up with an email in use offers "Sign in instead", which keeps where the visitor was going and fills the email in',
    async (t) => {
      const account = await accountViaApi(market, 'returning@example.test');
      t.expectFailedRequest(400, '/api/users/signup');
      const visitor = await t.visitor('returning visitor');
      await visitor.goto('/auth/signup?next=/tickets/new');
      await seeHeading(visitor, 'Create an account');
      await visitor.getByLabel('Email', { exact: true }).fill(account.email);
      await visitor.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await visitor.getByRole('button', { name: 'Create account' }).click();

      await visitor.getByText('An account with this email already exists', { exact: true }).waitFor();
      expect(await visitor.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).toBe('true');
      await t.step(visitor, 'email in use');
      await visitor.getByRole('link', { name: 'Sign in instead' }).click();

      await visitor.waitForURL(
        (url) =>
          url.pathname === '/auth/signin' &&
          url.searchParams.get('next') === '/tickets/new' &&
          url.searchParams.get('email') === account.email,
      );
      await seeHeading(visitor, 'Sign in');
      expect(await visitor.getByLabel('Email', { exact: true }).inputValue()).toBe(account.email);
      await t.step(visitor, 'sign in with the email filled in');
      await visitor.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await visitor.getByRole('button', { name: 'Sign in' }).click();
      await visitor.waitForURL('/tickets/new');
      await seeHeading(visitor, 'Sell a ticket');
    },
  );

  market.scenario(
    'the password can be shown and hidden again with a Show password button, by mouse and by keyboard',
    async (t) => {
      const visitor = await t.visitor('visitor');
      for (const [path, heading] of [
        ['/auth/signup', 'Create an account'],
        ['/auth/signin', 'Sign in'],
      ] as const) {
        await visitor.goto(path);
        await seeHeading(visitor, heading);
        const password = visitor.getByLabel('Password', { exact: true });
        await password.fill('hunter2-and-more');
        const show = visitor.getByRole('button', { name: 'Show password' });
        expect(await show.getAttribute('aria-pressed')).toBe('false');
        expect(await show.getAttribute('aria-controls')).toBe(await password.getAttribute('id'));
        expect(await password.getAttribute('type')).toBe('password');

        await show.click();
        const hide = visitor.getByRole('button', { name: 'Hide password' });
        expect(await hide.getAttribute('aria-pressed')).toBe('true');
        expect(await password.getAttribute('type')).toBe('text');
        expect(await password.inputValue()).toBe('hunter2-and-more');
        await t.step(visitor, `password shown on ${path}`);

        await hide.focus();
        await visitor.keyboard.press('Space');
        await visitor.getByRole('button', { name: 'Show password' }).waitFor();
        expect(await password.getAttribute('type')).toBe('password');
      }
    },
  );
});

describe('on a phone', () => {
  market.scenario(
    'at 390×844 the banner and header take at most 80 px; the navigation opens from a Menu button, by keyboard too, over the page, with the whole email',
    async (t) => {
      const email = 'a-rather-long-address.for-a-phone-screen@example.test';
      const phone = await t.visitor('phone');
      await phone.setViewportSize(PHONE);
      await phone.goto('/auth/signup');
      await phone.getByLabel('Email', { exact: true }).fill(email);
      await phone.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await phone.getByRole('button', { name: 'Create account' }).click();
      await seeHeading(phone, 'Tickets for sale');

      // The sandbox banner is part of what the header takes.
      await phone.getByRole('status').filter({ hasText: 'Sandbox — no money moves.' }).waitFor();
      const header = await boxOf(phone.getByRole('banner'));
      expect(header.y + header.height).toBeLessThanOrEqual(80);
      await t.step(phone, 'header on a phone');

      const menu = menuButton(phone);
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      const panel = phone.locator(`[id="${await menu.getAttribute('aria-controls')}"]`);
      expect(await panel.isVisible()).toBe(false);
      expect(await mainNav(phone).getByRole('link', { name: 'My orders' }).isVisible()).toBe(false);
      const mainBefore = await boxOf(phone.getByRole('main'));

      // By keyboard: Tab (past the skip link and the logo) to Menu, Enter opens it, Tab goes into it.
      await phone.keyboard.press('Tab');
      await phone.keyboard.press('Tab');
      await phone.keyboard.press('Tab');
      expect(await menu.evaluate((button) => button === document.activeElement)).toBe(true);
      await phone.keyboard.press('Enter');
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      await panel.waitFor({ state: 'visible' });
      await phone.keyboard.press('Tab');
      expect(await phone.evaluate(() => document.activeElement?.textContent)).toBe('Events');
      // It opens over the page: nothing below the header moved.
      expect(await boxOf(phone.getByRole('main'))).toEqual(mainBefore);

      // The account is in the menu, its email whole: not cut short, within the screen.
      const who = mainNav(phone).getByText(email);
      await who.waitFor();
      const whoBox = await boxOf(who);
      expect(whoBox.x).toBeGreaterThanOrEqual(0);
      expect(whoBox.x + whoBox.width).toBeLessThanOrEqual(PHONE.width);
      expect(await who.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
      await mainNav(phone).getByRole('link', { name: 'Account', exact: true }).waitFor();
      await t.step(phone, 'menu open');
      await t.doc(phone, 'phone-menu');

      // Escape closes it and gives the focus back to Menu.
      await phone.keyboard.press('Escape');
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await panel.isVisible()).toBe(false);
      expect(await menu.evaluate((button) => button === document.activeElement)).toBe(true);

      // A link followed from the menu opens its page with the menu closed.
      await menu.click();
      await mainNav(phone).getByRole('link', { name: 'My orders' }).click();
      await seeHeading(phone, 'My orders');
      expect(await menu.getAttribute('aria-expanded')).toBe('false');
      expect(await panel.isVisible()).toBe(false);

      // On a wide screen there is no Menu button: the links are in the header.
      await phone.setViewportSize(DESKTOP);
      expect(await menu.isVisible()).toBe(false);
      await mainNav(phone).getByRole('link', { name: 'My listings' }).waitFor();
    },
  );
});

describe('what can be tapped, focused and skipped', () => {
  market.scenario(
    'every link, button and input on every page is at least 24×24 px, on a phone and on a desktop',
    async (t) => {
      const owner = await t.visitor('seller');
      await owner.goto('/auth/signin');
      await signIn(owner, listed.seller!.email);
      const buyer = await t.visitor('buyer');
      await signUp(buyer, 'tapper@example.test');
      await buyer.goto(`/tickets/${listed.ids[0]}`);
      const orderId = await purchase(buyer);
      const visitor = await t.visitor('visitor');
      // An event of the seller's, and a pass of it held by a buyer: the catalog, check-in and passes pages.
      const created = await market.api('POST', '/api/events', {
        cookie: listed.seller!.cookie,
        json: { name: 'Tap test festival', venue: 'Hall 1', city: 'Utrecht', startsAt: aMonthAhead().iso },
      });
      expect(created.status).toBe(201);
      const eventId: string = created.body.id;
      const pass = await paidPassViaApi(market, eventId, 'tapper');
      const holder = await t.visitor('holder');
      await holder.goto('/auth/signin');
      await signIn(holder, 'tapper-buyer@example.test');

      const pages: [Page, string][] = [
        [visitor, '/'],
        [visitor, '/?q=derby'],
        [visitor, '/auth/signin'],
        [visitor, '/auth/signup'],
        [visitor, `/tickets/${listed.ids[1]}`],
        [visitor, '/no-such-page'],
        [buyer, '/'],
        [buyer, `/tickets/${listed.ids[1]}`],
        [buyer, `/orders/${orderId}`],
        [buyer, '/orders'],
        [buyer, '/account'],
        [owner, `/tickets/${listed.ids[2]}`],
        [owner, `/tickets/${listed.ids[2]}/edit`],
        [owner, '/tickets/mine'],
        [owner, '/tickets/new'],
        [owner, '/payouts'],
        [visitor, '/events'],
        [visitor, `/events/${eventId}`],
        [owner, '/events/new'],
        [owner, `/events/${eventId}/check-in`],
        [holder, '/passes'],
        [holder, `/passes/${pass.id}`],
        [holder, `/passes/${pass.id}/sell`],
      ];
      t.expectFailedRequest(404, '/no-such-page');
      const small: string[] = [];
      for (const viewport of [PHONE, DESKTOP]) {
        for (const [page, path] of pages) {
          await page.setViewportSize(viewport);
          await page.goto(path);
          await page.getByRole('heading', { level: 1 }).first().waitFor();
          for (const target of await smallTargets(page)) small.push(`${viewport.width} px, ${path}: ${target}`);
          // The menu's links, on a phone.
          if (viewport === PHONE) {
            await menuButton(page).click();
            await mainNav(page).getByRole('link').first().waitFor();
            for (const target of await smallTargets(page)) small.push(`${viewport.width} px, ${path} menu: ${target}`);
          }
        }
      }
      await t.step(owner, 'my listings');
      expect(small).toEqual([]);
    },
    180_000,
  );

  market.scenario(
    'the focus ring has at least 3:1 contrast with what is around it, on every control reached by Tab',
    async (t) => {
      const buyer = await t.visitor('keyboard user');
      await signUp(buyer, 'keyboard@example.test');
      await buyer.goto(`/tickets/${listed.ids[1]}`);
      const orderId = await purchase(buyer);

      const rings: string[] = [];
      for (const path of ['/', `/orders/${orderId}`, '/account']) {
        await buyer.goto(path);
        await buyer.getByRole('heading', { level: 1 }).first().waitFor();
        const seen = new Set<string>();
        for (let presses = 0; presses < 40; presses++) {
          await buyer.keyboard.press('Tab');
          const ring = await focusRing(buyer);
          // Past the last control the focus leaves the page, or comes round to the first again.
          if (!ring || seen.has(ring.element)) break;
          seen.add(ring.element);
          if (ring.width < 2 || ring.contrast < 3) rings.push(`${path}: ${JSON.stringify(ring)}`);
        }
        expect(seen.size).toBeGreaterThan(3);
      }
      // Ticket cards draw their ring around the whole card.
      await buyer.goto('/');
      // (The other scenarios buy the first two tickets; the third stays on sale.)
      await ticketCard(buyer, TICKETS[2]!).getByRole('link').focus();
      const card = await focusRing(buyer);
      expect(card?.width).toBeGreaterThanOrEqual(2);
      expect(card?.contrast).toBeGreaterThanOrEqual(3);
      await t.step(buyer, 'ticket card focused');
      expect(rings).toEqual([]);
    },
    120_000,
  );

  market.scenario(
    'focused, the skip link covers neither the logo nor the banner, and skips to the content',
    async (t) => {
      const visitor = await t.visitor('keyboard visitor');
      for (const viewport of [DESKTOP, PHONE]) {
        await visitor.setViewportSize(viewport);
        await visitor.goto('/');
        await seeHeading(visitor, 'Tickets for sale');
        await visitor.keyboard.press('Tab');
        const skip = visitor.getByRole('link', { name: 'Skip to content' });
        expect(await skip.evaluate((link) => link === document.activeElement)).toBe(true);
        const skipBox = await boxOf(skip);
        expect(skipBox.y).toBeGreaterThanOrEqual(0);
        const logo = await boxOf(visitor.getByRole('banner').getByRole('link', { name: 'Ticketing' }));
        const banner = await boxOf(visitor.getByRole('status').filter({ hasText: 'Sandbox' }));
        expect(overlap(skipBox, logo)).toBe(false);
        expect(overlap(skipBox, banner)).toBe(false);
        await t.step(visitor, `skip link at ${viewport.width} px`);
        await visitor.keyboard.press('Enter');
        await visitor.waitForURL((url) => url.hash === '#main');
        expect(await visitor.evaluate(() => document.activeElement?.id)).toBe('main');
      }
    },
  );
});

describe('page titles', () => {
  market.scenario(
    'a page that does not exist, or an unknown ticket or order, is titled "Page not found"',
    async (t) => {
      const visitor = await t.visitor('lost visitor');
      await signUp(visitor, 'lost@example.test');
      t.expectFailedRequest(404, '/');
      for (const path of [
        '/no-such-page',
        `/tickets/${randomUUID()}`,
        '/tickets/not-a-ticket-id',
        `/orders/${randomUUID()}`,
        `/tickets/${randomUUID()}/edit`,
      ]) {
        const response = await visitor.goto(path);
        expect(response?.status()).toBe(404);
        await seeHeading(visitor, 'Page not found');
        expect(await visitor.title()).toBe('Page not found · Ticketing');
      }
      await t.step(visitor, 'page not found');
    },
  );

  market.scenario(
    'search results are titled “q” — Search, whether searched from the page or opened by link',
    async (t) => {
      const visitor = await t.visitor('searcher');
      await visitor.goto('/');
      expect(await visitor.title()).toBe('Ticketing');
      await search(visitor, 'derby');
      await visitor.waitForFunction(() => document.title === '“derby” — Search · Ticketing');
      await t.step(visitor, 'searched');

      await visitor.goto('/?q=%3Cfolk%3E%20weekend');
      await seeHeading(visitor, 'Search results');
      expect(await visitor.title()).toBe('“<folk> weekend” — Search · Ticketing');
    },
  );
});

describe('the landing page', () => {
  market.scenario('loading the home page does not fetch the page of each ticket card in advance', async (t) => {
    const visitor = await t.visitor('visitor');
    const ticketPageRequests: string[] = [];
    const prefetches: string[] = [];
    visitor.on('request', (request) => {
      const url = new URL(request.url());
      if (request.headers()['next-router-prefetch'] || url.searchParams.has('_rsc')) prefetches.push(url.pathname);
      if (listed.ids.some((id) => url.pathname.startsWith(`/tickets/${id}`))) ticketPageRequests.push(request.url());
    });
    await visitor.goto('/');
    // (The other scenarios buy the first two tickets; the third stays on sale.)
    await ticketCard(visitor, TICKETS[2]!).waitFor();
    // Links are prefetched once they are visible and the browser is idle: the header's Sell link
    // shows the prefetching has run, so the cards would have been fetched by now if they were to be.
    await waitFor(() => prefetches.includes('/tickets/new'));
    await visitor.waitForLoadState('networkidle');
    expect(ticketPageRequests).toEqual([]);
    await t.step(visitor, 'home page loaded');

    // Followed, a card still opens its ticket.
    await visitor.getByRole('link', { name: TICKETS[2], exact: true }).click();
    await visitor.waitForURL(`/tickets/${listed.ids[2]}`);
    await seeHeading(visitor, TICKETS[2]!);
  });
});
