'use client';

import { lazy, Suspense } from 'react';
import { SandboxCardForm } from './sandbox-card-form';

// Code-split: visitors of a sandbox install never download the Stripe bindings.
const StripeCardForm = lazy(() => import('./stripe-card-form'));

interface PaymentFormProps {
  orderId: string;
  /** What the button says is paid: the order's stored total (ticket + service fee), which payments charges. */
  price: number;
  currency: string;
  /** Stripe's publishable key from the server's environment; null means the sandbox. */
  publishableKey: string | null;
  onPaid: (paymentId: string) => void;
}

export function PaymentForm({ publishableKey, ...props }: PaymentFormProps) {
  if (!publishableKey) return <SandboxCardForm {...props} />;
  return (
    <Suspense fallback={<div className="payment payment--loading" aria-busy="true" />}>
      <StripeCardForm publishableKey={publishableKey} {...props} />
    </Suspense>
  );
}
