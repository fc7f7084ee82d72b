/// <reference lib="dom" />
// The function passed to warning.evaluate runs in the browser.
/**
 * An unpaid reservation running out, in the browser. A platform of its own with a 10-second
 * window: short enough to wait for, long enough for the order page to show before it ends (the
 * other browser scenarios keep the default 15 minutes).
 */
import { useMarketplace } from './browser-harness';
import { accountViaApi, mainNav, purchase, reloadUntilVisible, seeHeading, signUp, ticketViaApi } from './user-steps';

jest.setTimeout(180_000);

const WINDOW_SECONDS = 10;
const market = useMarketplace({ EXPIRATION_WINDOW_SECONDS: String(WINDOW_SECONDS) });

describe('a reservation in the browser', () => {
  market.scenario(
    'an order left unpaid until the countdown ends shows expired, and the ticket is on sale again',
    async (t) => {
      const seller = await accountViaApi(market, 'seller@example.test');
      const title = 'Late-night cinema — double bill';
      const ticketId = await ticketViaApi(market, seller, title, 12);

      const buyer = await t.visitor('buyer');
      await signUp(buyer, 'slow-buyer@example.test');
      await buyer.goto(`/tickets/${ticketId}`);
      await purchase(buyer);
      await buyer
        .getByRole('timer')
        .filter({ hasText: /^Expires in 0:(0\d|10)$/ })
        .waitFor();
      await buyer.getByRole('button', { name: 'Pay $13.20' }).waitFor();
      // Under 2 minutes from the start: the countdown warns (colour and words, announced once).
      await buyer.getByText('Less than 2 minutes left: pay now to keep the ticket.').waitFor();
      expect(await buyer.locator('.countdown--urgent').count()).toBe(1);
      // Announced once: the warning sits in a polite live region whose text the countdown's ticks
      // leave alone (every change of a live region is read out again).
      const warning = buyer.locator('[aria-live="polite"]', {
        hasText: 'Less than 2 minutes left: pay now to keep the ticket.',
      });
      expect(await warning.count()).toBe(1);
      const tick = await warning.evaluate(
        (element) =>
          new Promise<{ liveChanges: number; timer: string }>((resolve) => {
            const timer = document.querySelector('[role="timer"]')!;
            let liveChanges = 0;
            const live = new MutationObserver((records) => {
              liveChanges += records.length;
            });
            live.observe(element, { childList: true, characterData: true, subtree: true });
            const ticks = new MutationObserver(() => {
              ticks.disconnect();
              // The live region's own mutations of this tick are delivered before a timeout.
              setTimeout(() => {
                live.disconnect();
                resolve({ liveChanges, timer: timer.textContent ?? '' });
              }, 50);
            });
            ticks.observe(timer, { childList: true, characterData: true, subtree: true });
          }),
      );
      expect(tick.timer).toMatch(/^Expires in |^Expired$/);
      // At the tick that ends the window the warning rightly goes; at any other it must not change.
      if (tick.timer !== 'Expired') expect(tick.liveChanges).toBe(0);
      await t.step(buyer, 'reserved');

      const expired = buyer.getByRole('status').getByRole('heading', { name: 'This reservation has expired' });
      await expired.waitFor({ timeout: (WINDOW_SECONDS + 10) * 1_000 });
      expect(await buyer.getByRole('button', { name: 'Pay $13.20' }).count()).toBe(0);
      expect(await buyer.getByRole('timer').count()).toBe(0);
      await t.step(buyer, 'expired');

      // Not just the browser's countdown: after a reload, and on My orders (no countdown there), the server's word.
      await buyer.reload();
      await expired.waitFor();
      await mainNav(buyer).getByRole('link', { name: 'My orders' }).click();
      await seeHeading(buyer, 'My orders');
      await buyer.getByRole('row').filter({ hasText: title }).getByText('Expired', { exact: true }).waitFor();
      await t.step(buyer, 'my orders');

      // The ticket went back on sale (expiration.complete → order.cancelled → tickets).
      await buyer.goto(`/tickets/${ticketId}`);
      await reloadUntilVisible(buyer, buyer.getByRole('button', { name: 'Purchase' }));
      await buyer.getByText('On sale', { exact: true }).waitFor();
      await t.step(buyer, 'on sale again');
    },
  );
});
