'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/lib/api-client';
import { toErrorState } from '@/lib/api-errors';
import type { Claim } from '@/lib/types';
import { FormAlert } from './form-errors';

type Decision = 'refund' | 'release';

const QUESTION: Record<Decision, string> = {
  refund: 'Refund the buyer in full? The seller’s payout is cancelled, or taken back if it was paid.',
  release: 'Release the payout? The seller is paid and the buyer is not refunded.',
};

/** An operator's Refund buyer / Release payout buttons for an open claim, each confirmed first. */
export function ClaimDecision({ claimId, label }: { claimId: string; label: string }) {
  const router = useRouter();
  const [pending, setPending] = useState<Decision | null>(null);
  const [messages, setMessages] = useState<string[]>([]);
  const [done, setDone] = useState('');

  async function decide(decision: Decision) {
    if (!window.confirm(QUESTION[decision])) return;
    setPending(decision);
    setMessages([]);
    try {
      const { data } = await api.post<Claim>(`/api/payments/claims/${claimId}/resolve`, { decision });
      setDone(
        data.status === 'refunded'
          ? 'Refunded — the buyer gets their money back.'
          : 'Released — the seller will be paid.',
      );
      router.refresh();
    } catch (error) {
      setMessages(toErrorState(error).form);
      router.refresh();
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="claim-decision">
      <button
        type="button"
        className="button"
        onClick={() => decide('refund')}
        disabled={pending !== null || done !== ''}
      >
        {pending === 'refund' ? 'Refunding…' : 'Refund buyer'}
        <span className="visually-hidden"> for {label}</span>
      </button>{' '}
      <button
        type="button"
        className="button button--secondary"
        onClick={() => decide('release')}
        disabled={pending !== null || done !== ''}
      >
        {pending === 'release' ? 'Releasing…' : 'Release payout'}
        <span className="visually-hidden"> for {label}</span>
      </button>
      <p role="status">{done}</p>
      <FormAlert messages={messages} />
    </div>
  );
}
