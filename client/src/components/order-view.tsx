'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api-client';
import { toErrorState } from '@/lib/api-errors';
import { formatPrice, shortOrderNumber } from '@/lib/format';
import type { OrderPhase } from '@/lib/order-phase';
import type { Order } from '@/lib/types';
import { Countdown } from './countdown';
import { FormAlert } from './form-errors';
import { LocalTime } from './local-time';
import { PaymentForm } from './payment/payment-form';
import { AllInPrice } from './price-breakdown';
import { OrderPhaseBadge } from './status-badge';

interface OrderViewProps {
  order: Order;
  /** Worked out on the server at render time, so server and browser paint the same thing. */
  initialPhase: OrderPhase;
  publishableKey: string | null;
  /** The buyer's pass for this order, once passes has issued it. */
  passId?: string | null;
}

const PASS_REFRESH_MS = 2_000;
const PASS_REFRESHES = 15;

/** An order: pay before the countdown runs out, or see why it can no longer be paid. */
export function OrderView({ order, initialPhase, publishableKey, passId = null }: OrderViewProps) {
  const router = useRouter();
  const [phase, setPhase] = useState<OrderPhase>(initialPhase);
  const [cancelling, setCancelling] = useState(false);
  // Cancelling gives the ticket up to the next buyer: it is asked once more before it happens.
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const keepReservation = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirmingCancel) keepReservation.current?.focus();
  }, [confirmingCancel]);
  const [cancelErrors, setCancelErrors] = useState<string[]>([]);
  // The payment this page just made, shown until orders has recorded it on the order (payment.created).
  const [justPaid, setJustPaid] = useState<{ paymentId: string; paidAt: string } | null>(null);
  const paymentId = order.paymentId ?? justPaid?.paymentId ?? null;
  const paidAt = order.paidAt ?? justPaid?.paidAt ?? null;

  // Paid, and the ticket not issued yet: passes issues it a moment after the payment. The page
  // asks again every 2 s for half a minute, so "Show your ticket" appears without a reload.
  const awaitingPass = phase === 'paid' && !passId;
  useEffect(() => {
    if (!awaitingPass) return;
    let asked = 0;
    const timer = setInterval(() => {
      asked += 1;
      if (asked > PASS_REFRESHES) clearInterval(timer);
      else router.refresh();
    }, PASS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [awaitingPass, router]);

  async function cancel() {
    setCancelling(true);
    setCancelErrors([]);
    try {
      await api.delete(`/api/orders/${order.id}`);
      setPhase('cancelled');
      router.refresh();
    } catch (error) {
      setCancelErrors(toErrorState(error).form);
    } finally {
      setCancelling(false);
    }
  }

  const ticketLink = <Link href={`/tickets/${order.ticket.id}`}>{order.ticket.title}</Link>;
  // The amounts stored on the order at reservation, never recomputed: what is charged.
  const price = formatPrice(order.price, order.currency);
  const buyerFee = formatPrice(order.buyerFee, order.currency);
  const total = formatPrice(order.total, order.currency);

  return (
    <div className="order">
      <section className="card order__summary" aria-labelledby="order-ticket-title">
        <p className="order__eyebrow">Ticket</p>
        <h2 id="order-ticket-title" className="order__title">
          {ticketLink}
        </h2>
        <dl className="summary-list">
          <div>
            <dt>Order number</dt>
            <dd>
              <details className="order__number">
                <summary>
                  <span className="order__number-short">{shortOrderNumber(order.id)}</span>
                  <span className="visually-hidden"> (show the full order number)</span>
                </summary>
                <code className="order__number-full">{order.id}</code>
              </details>
            </dd>
          </div>
          <div>
            <dt>Total</dt>
            <dd>
              <AllInPrice amounts={order} />
            </dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>
              <OrderPhaseBadge phase={phase} />
            </dd>
          </div>
          <div>
            <dt>Reserved</dt>
            <dd>
              <LocalTime iso={order.createdAt} />
            </dd>
          </div>
          {phase === 'paid' && paidAt ? (
            <div>
              <dt>Paid</dt>
              <dd>
                <LocalTime iso={paidAt} />
              </dd>
            </div>
          ) : null}
          {phase === 'paid' && paymentId ? (
            <div className="summary-list__wide">
              <dt>Payment reference</dt>
              <dd>
                <code>{paymentId}</code>
              </dd>
            </div>
          ) : null}
        </dl>
      </section>

      <div role="status" className="order__state">
        {phase === 'paid' ? (
          <div className="notice notice--success">
            <h2>Paid — the ticket is yours</h2>
            <p>Thank you! Your payment for {order.ticket.title} went through.</p>
            {passId ? (
              <p>
                <Link href={`/passes/${passId}`} className="button">
                  Show your ticket
                </Link>
              </p>
            ) : (
              <p>Your ticket is being issued: it will be in My tickets in a moment.</p>
            )}
            <p>
              <Link href="/passes">My tickets</Link> · <Link href="/orders">See all your orders</Link>
            </p>
          </div>
        ) : null}
        {phase === 'expired' ? (
          <div className="notice notice--problem">
            <h2>This reservation has expired</h2>
            <p>The time to pay ran out, so the ticket went back on sale. Nothing was charged.</p>
            <p>
              <Link href={`/tickets/${order.ticket.id}`}>Try to buy it again</Link> ·{' '}
              <Link href="/">Browse tickets</Link>
            </p>
          </div>
        ) : null}
        {phase === 'cancelled' ? (
          <div className="notice notice--info">
            <h2>This order was cancelled</h2>
            <p>The ticket is no longer reserved for you. Nothing was charged.</p>
            <p>
              <Link href="/">Browse tickets</Link>
            </p>
          </div>
        ) : null}
      </div>

      {phase === 'pending' ? (
        <section className="card order__pay" aria-labelledby="pay-heading">
          <div className="order__pay-head">
            <h2 id="pay-heading">Pay for your ticket</h2>
            <Countdown expiresAt={order.expiresAt} onExpire={() => setPhase('expired')} />
          </div>
          <p className="muted">The ticket is reserved for you until the countdown ends.</p>
          <table className="checkout-summary">
            <caption>Order summary</caption>
            <tbody>
              <tr>
                <th scope="row" className="checkout-summary__label">
                  {order.ticket.title}
                </th>
                <td className="price checkout-summary__amount">{price}</td>
              </tr>
              <tr>
                <th scope="row" className="checkout-summary__label">
                  Service fee
                </th>
                <td className="price checkout-summary__amount">{buyerFee}</td>
              </tr>
              <tr className="checkout-summary__total">
                <th scope="row" className="checkout-summary__label">
                  Total
                </th>
                <td className="price checkout-summary__amount">{total}</td>
              </tr>
            </tbody>
          </table>
          <PaymentForm
            orderId={order.id}
            price={order.total}
            currency={order.currency}
            publishableKey={publishableKey}
            onPaid={(id) => {
              setJustPaid({ paymentId: id, paidAt: new Date().toISOString() });
              setPhase('paid');
              router.refresh();
            }}
          />
          <div className="order__cancel">
            {confirmingCancel ? (
              <fieldset className="order__cancel-confirm">
                <legend>
                  <strong>Cancel your reservation?</strong> The ticket goes back on sale.
                </legend>
                <button type="button" className="button button--danger" onClick={cancel} disabled={cancelling}>
                  {cancelling ? 'Cancelling…' : 'Yes, cancel it'}
                </button>{' '}
                {/* Focused first: Enter keeps the reservation rather than giving it away. */}
                <button
                  ref={keepReservation}
                  type="button"
                  className="button button--secondary"
                  onClick={() => setConfirmingCancel(false)}
                  disabled={cancelling}
                >
                  Keep my reservation
                </button>
              </fieldset>
            ) : (
              <button type="button" className="button button--secondary" onClick={() => setConfirmingCancel(true)}>
                Cancel order
              </button>
            )}
            <FormAlert messages={cancelErrors} />
          </div>
        </section>
      ) : null}
    </div>
  );
}
