'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/api-client';
import { toErrorState } from '@/lib/api-errors';
import { hardNavigate } from '@/lib/navigation';
import type { PayoutAccount, PayoutOnboarding } from '@/lib/types';
import { FormAlert } from './form-errors';

/**
 * "Set up payouts" (no account yet) or "Continue setup" (onboarding unfinished): starts or
 * continues onboarding and follows Stripe's onboarding link, which brings the seller back to
 * /payouts; an account that is ready at once (the sandbox's) is said so here and the page refreshes.
 * Rendered for a ready account too, with no button: the refreshed page keeps this status region
 * (and what it announced) instead of replacing it.
 */
export function PayoutSetup({ status }: { status: PayoutAccount['status'] }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [messages, setMessages] = useState<string[]>([]);
  const [done, setDone] = useState('');
  const label = status === 'none' ? 'Set up payouts' : 'Continue setup';

  async function start() {
    setPending(true);
    setMessages([]);
    setDone('');
    try {
      const { data } = await api.post<PayoutOnboarding>('/api/payments/payout-account');
      if (data.onboardingUrl) {
        // Stripe's page: the button stays busy while the browser leaves.
        hardNavigate(data.onboardingUrl);
        return;
      }
      setDone(data.status === 'ready' ? 'Payouts are ready' : '');
      setPending(false);
      router.refresh();
    } catch (error) {
      setMessages(toErrorState(error).form);
      setPending(false);
    }
  }

  return (
    <div className="payout-setup">
      {done || status === 'ready' ? null : (
        <button type="button" className="button" onClick={start} disabled={pending} aria-busy={pending}>
          {pending ? 'Setting up…' : label}
        </button>
      )}
      {/* Once the page shows the ready account, its heading says it: the region stays for screen readers. */}
      <p role="status" className={status === 'ready' ? 'visually-hidden' : 'payout-setup__done'}>
        {done}
      </p>
      <FormAlert messages={messages} />
    </div>
  );
}
