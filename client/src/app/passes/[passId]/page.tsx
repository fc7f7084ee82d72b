import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { LocalTime } from '@/components/local-time';
import { ServiceProblem } from '@/components/service-problem';
import { PassStatusBadge } from '@/components/status-badge';
import { signInPath } from '@/lib/navigation';
import { canResell } from '@/lib/resale';
import { apiGet, getSession } from '@/lib/server-api';
import type { CatalogEvent, PassDetail, Ticket } from '@/lib/types';

type Params = Promise<{ passId: string }>;

export const metadata: Metadata = { title: 'Your ticket' };

/** Answers that mean there is no such pass for this reader (400 is an id that is not a UUID). */
const MISSING = new Set([400, 404]);

/** The QR code as an image: the SVG stays data, never markup of this page. */
function qrImageSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export default async function PassPage({ params }: { params: Params }) {
  const { passId } = await params;
  const path = `/passes/${passId}`;
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref={path} />;
  if (!session.user) redirect(signInPath(path));

  const result = await apiGet<PassDetail>(`/api/passes/${encodeURIComponent(passId)}`);
  if (!result.ok && result.unreachable) return <ServiceProblem what="Your tickets" retryHref={path} />;
  if (!result.ok && result.errors[0]?.code === 'NOT_AUTHORIZED') redirect(signInPath(path));
  if (!result.ok && MISSING.has(result.status)) notFound();
  if (!result.ok) {
    return (
      <p className="notice notice--problem" role="alert">
        {result.errors[0]?.message ?? 'This ticket could not be loaded.'}
      </p>
    );
  }

  const pass = result.data;
  const [ticket, event] = await Promise.all([
    apiGet<Ticket>(`/api/tickets/${encodeURIComponent(pass.ticketId)}`),
    pass.eventId && pass.status === 'valid'
      ? apiGet<CatalogEvent>(`/api/events/${encodeURIComponent(pass.eventId)}`)
      : undefined,
  ]);
  const title = ticket.ok ? ticket.data.title : 'Your ticket';
  // Resold only before its event starts; while the event cannot be read, the offer waits.
  const sellable = pass.eventId
    ? event?.ok === true && canResell(pass, event.data.startsAt)
    : canResell(pass, undefined);

  return (
    <div className="narrow pass">
      <h1>{title}</h1>
      <p>
        <PassStatusBadge status={pass.status} />
      </p>

      {pass.status === 'valid' ? (
        <section className="card pass__code" aria-labelledby="pass-qr-title">
          <h2 id="pass-qr-title">Show this at the door</h2>
          {/* biome-ignore lint/performance/noImgElement: an inline data URL, nothing for next/image to optimise */}
          <img
            className="pass__qr"
            src={qrImageSource(pass.qrSvg)}
            alt="QR code of this ticket"
            width={256}
            height={256}
          />
          <p className="muted">It admits one person, once. A screenshot works too.</p>

          <details className="pass__text">
            <summary>Can’t scan? Show the code as text</summary>
            <p className="pass__jws">
              <code>{pass.code}</code>
            </p>
          </details>
        </section>
      ) : null}
      {sellable ? (
        <section className="card pass__resale" aria-labelledby="pass-resale-title">
          <h2 id="pass-resale-title">Can’t go?</h2>
          <p className="muted">
            Resell it here, at a capped price: the buyer gets a new code and this one stops working.
          </p>
          <p>
            <Link href={`/passes/${pass.id}/sell`} className="button button--secondary">
              Sell this ticket
            </Link>
          </p>
        </section>
      ) : null}
      {pass.status === 'listed' ? (
        <div className="notice notice--info" role="status">
          <h2>Listed for resale</h2>
          <p>
            This ticket is on sale
            {pass.listingId ? (
              <>
                {' '}
                — <Link href={`/tickets/${pass.listingId}`}>see your listing</Link>
              </>
            ) : null}
            . While it is listed it cannot be used at the door: its code is refused.
          </p>
          <p>
            Unlisting it on the listing’s page gives your ticket back. When a buyer pays, this ticket is cancelled and
            the buyer gets a new one.
          </p>
        </div>
      ) : null}
      {pass.status === 'admitted' ? (
        <div className="notice notice--info" role="status">
          <h2>Checked in</h2>
          <p>
            This ticket was scanned at the door
            {pass.admittedAt ? (
              <>
                {' '}
                on <LocalTime iso={pass.admittedAt} />
              </>
            ) : null}
            . It cannot be used again.
          </p>
        </div>
      ) : null}
      {pass.status === 'revoked' ? (
        <div className="notice notice--problem" role="status">
          <h2>This ticket no longer admits anyone</h2>
          <p>
            {pass.revocationReason === 'refunded' ? 'Your order was refunded' : 'It was resold'}
            {pass.revokedAt ? (
              <>
                {' '}
                on <LocalTime iso={pass.revokedAt} />
              </>
            ) : null}
            {pass.revocationReason === 'refunded'
              ? '. This code is refused at the door.'
              : ', and its new holder received a new code. This code is refused at the door.'}
          </p>
        </div>
      ) : null}

      <dl className="pass__facts">
        <div>
          <dt>Issued</dt>
          <dd>
            <LocalTime iso={pass.issuedAt} />
          </dd>
        </div>
        <div>
          <dt>Order</dt>
          <dd>
            <Link href={`/orders/${pass.orderId}`}>View the order</Link>
          </dd>
        </div>
        <div>
          <dt>Ticket</dt>
          <dd>
            <Link href={`/tickets/${pass.ticketId}`}>View the listing</Link>
          </dd>
        </div>
      </dl>
      <p>
        <Link href="/passes">All your tickets</Link>
      </p>
    </div>
  );
}
