import {
  fromMinorUnits,
  type PayoutAccountJson,
  type PayoutAccountStatus,
  type PayoutOnboardingJson,
} from '@ticketing/common';
import { findPayoutAccount, markPayoutAccountReady, storePayoutAccount } from '../db/payout-accounts.repository';
import { heldPayoutsOfSeller } from '../db/payouts.repository';
import type { PayoutAccountRow } from '../db/schema';
import type { PaymentsDeps } from './deps';
import { gatewayHttpError } from './gateway-http-errors';

/** One connected account per seller, however often onboarding is started (two tabs, a retry). */
export const accountIdempotencyKey = (userId: string): string => `account-${userId}`;

/** The web app's page a seller comes back to from Stripe's onboarding. */
export const PAYOUTS_PAGE = '/payouts';

const statusOf = (account: Pick<PayoutAccountRow, 'ready'> | undefined): PayoutAccountStatus =>
  !account ? 'none' : account.ready ? 'ready' : 'onboarding';

/**
 * Where the seller's payout account stands, and what waits for it. An account still onboarding is
 * looked up at the gateway first (the seller may just be back from Stripe); when the gateway
 * cannot say, the last known status is answered.
 */
export async function showPayoutAccount(deps: PaymentsDeps, userId: string): Promise<PayoutAccountJson> {
  const account = await refreshedAccount(deps, await findPayoutAccount(deps.db, userId));
  const status = statusOf(account);
  const held = status === 'ready' ? { sales: 0, amountCents: 0 } : await heldPayoutsOfSeller(deps.db, userId);
  return {
    status,
    awaiting: { sales: held.sales, amount: fromMinorUnits(held.amountCents, deps.currency), currency: deps.currency },
  };
}

/**
 * Creates the seller's connected account once (the sandbox's is ready at once) and, while it is
 * not ready, a fresh onboarding link that returns to the web app's payouts page on `origin`.
 */
export async function startPayoutOnboarding(
  deps: PaymentsDeps,
  { userId, email, origin }: { userId: string; email?: string; origin: string },
): Promise<PayoutOnboardingJson> {
  try {
    let account = await findPayoutAccount(deps.db, userId);
    if (!account) {
      const created = await deps.gateway.createAccount({
        userId,
        email,
        idempotencyKey: accountIdempotencyKey(userId),
      });
      account = await storePayoutAccount(deps.db, { userId, accountId: created.id, ready: created.ready });
      deps.logger.info({ userId, accountId: account.accountId, ready: account.ready }, 'payout account created');
    } else {
      account = await refreshedAccount(deps, account);
    }
    if (account?.ready) return { status: 'ready', onboardingUrl: null };
    const link = await deps.gateway.createAccountLink({
      accountId: account!.accountId,
      refreshUrl: `${origin}${PAYOUTS_PAGE}?onboarding=refresh`,
      returnUrl: `${origin}${PAYOUTS_PAGE}`,
    });
    return { status: 'onboarding', onboardingUrl: link.url };
  } catch (error) {
    throw gatewayHttpError(error, 'connect');
  }
}

/** The account, marked ready when the gateway now says it is (onboarding finished meanwhile). */
async function refreshedAccount(
  deps: PaymentsDeps,
  account: PayoutAccountRow | undefined,
): Promise<PayoutAccountRow | undefined> {
  if (!account || account.ready) return account;
  try {
    const state = await deps.gateway.retrieveAccount(account.accountId);
    if (!state.ready) return account;
    await markPayoutAccountReady(deps.db, account.userId);
    deps.logger.info({ userId: account.userId, accountId: account.accountId }, 'payout account ready');
    return { ...account, ready: true };
  } catch (error) {
    deps.logger.warn({ userId: account.userId, err: error }, 'payout account not looked up at the gateway');
    return account;
  }
}
