/**
 * The buyer guarantee in a real browser, against the platform as `npm start` runs it (payments in
 * the sandbox, an operator named in OPERATOR_EMAILS): a buyer reports a problem with a paid
 * ticket, the operator refunds them from the operator page, the buyer's pass is revoked, and the
 * seller's My payouts shows the payout cancelled.
 */
import { useMarketplace } from './browser-harness';
import {
  accountViaApi,
  cookieOf,
  pay,
  purchase,
  reloadUntilVisible,
  SUCCEEDING_CARD,
  seeHeading,
  signIn,
  signUp,
  ticketViaApi,
} from './user-steps';

jest.setTimeout(240_000);

const OPERATOR_EMAIL = 'claims-operator@example.test';

const market = useMarketplace({ OPERATOR_EMAILS: OPERATOR_EMAIL });

describe('claims', () => {
  market.scenario(
    'a buyer reports a problem with a paid ticket, the operator refunds them on the operator page, their pass is revoked, and the seller’s My payouts shows the payout cancelled',
    async (t) => {
      const seller = await accountViaApi(market, 'claims-seller@example.test');
      expect((await market.api('POST', '/api/payments/payout-account', { cookie: seller.cookie })).status).toBe(200);
      const ticketId = await ticketViaApi(market, seller, 'Jazz night, row C', 30);

      const buyer = await t.visitor('buyer');
      await signUp(buyer, 'claims-buyer@example.test');
      await buyer.goto(`/tickets/${ticketId}`);
      const orderId = await purchase(buyer);
      await pay(buyer, SUCCEEDING_CARD, '$33.00');
      const report = buyer.getByRole('button', { name: 'Report a problem with this ticket' });
      // The offer appears once payments has applied order.completed.
      await reloadUntilVisible(buyer, report);
      await report.click();
      await buyer
        .getByLabel('What went wrong with this ticket?')
        .fill('The scanner at the door said my code was invalid.');
      await buyer.getByRole('button', { name: 'Send report' }).click();
      await buyer.getByText('Under review', { exact: true }).waitFor();
      await t.step(buyer, 'claim under review');

      // Someone who is not an operator gets the not-found page (a 404, which the browser logs).
      t.expectFailedRequest(404, '/operator/claims');
      await buyer.goto('/operator/claims');
      await seeHeading(buyer, /not found/i);

      const operator = await t.visitor('operator');
      await signUp(operator, OPERATOR_EMAIL);
      await operator.goto('/operator/claims');
      await seeHeading(operator, 'Open claims');
      const row = operator.getByRole('row').filter({ hasText: 'The scanner at the door said my code was invalid.' });
      await row.waitFor();
      await t.step(operator, 'open claims');
      operator.once('dialog', (dialog) => dialog.accept());
      await row.getByRole('button', { name: /^Refund buyer/ }).click();
      await operator.getByText('Refunded — the buyer gets their money back.').waitFor();

      await buyer.goto(`/orders/${orderId}`);
      await reloadUntilVisible(buyer, buyer.getByText('Refunded', { exact: true }));
      const buyerCookie = await cookieOf(buyer);
      const claims = await market.api('GET', '/api/payments/claims', { cookie: buyerCookie });
      expect(claims.body.claims).toMatchObject([{ orderId, status: 'refunded' }]);

      // The refunded buyer keeps no ticket: their pass is revoked, and its page says why.
      const passes = await market.api('GET', '/api/passes', { cookie: buyerCookie });
      const pass = (passes.body.passes as { id: string; orderId: string }[]).find((p) => p.orderId === orderId);
      expect(pass).toBeDefined();
      await buyer.goto(`/passes/${pass!.id}`);
      await reloadUntilVisible(buyer, buyer.getByText('This ticket no longer admits anyone'));
      await buyer.getByText(/Your order was refunded/).waitFor();
      await t.step(buyer, 'pass revoked after the refund');
      const revoked = await market.api('GET', `/api/passes/${pass!.id}`, { cookie: buyerCookie });
      expect(revoked.body).toMatchObject({ status: 'revoked', revocationReason: 'refunded' });

      // The seller's payout is cancelled: their My payouts says so, and so does the API.
      const sellerPage = await t.visitor('seller');
      await sellerPage.goto('/auth/signin?next=/payouts');
      await signIn(sellerPage, seller.email);
      await seeHeading(sellerPage, 'My payouts');
      const sale = sellerPage.getByRole('row').filter({ hasText: 'Jazz night, row C' });
      await reloadUntilVisible(sellerPage, sale.getByText('Cancelled (buyer refunded)', { exact: true }));
      await t.step(sellerPage, 'payout cancelled');
      const payouts = await market.api('GET', '/api/payments/payouts', { cookie: seller.cookie });
      expect(payouts.body.payouts).toMatchObject([{ orderId, state: 'cancelled', amount: 28.5 }]);
    },
    180_000,
  );
});
