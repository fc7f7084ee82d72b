import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { Pagination } from '@/components/pagination';
import { ServiceProblem } from '@/components/service-problem';
import { TicketList } from '@/components/ticket-list';
import { readTrail } from '@/lib/cursor-trail';
import { pageTitle } from '@/lib/page-title';
import { apiGet } from '@/lib/server-api';
import { buyerFeePercent } from '@/lib/server-config';
import type { TicketPage } from '@/lib/types';

const PAGE_SIZE = 20;
const MAX_QUERY = 200;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The search text as the page reads it, from `?q=` (the first one when repeated). */
function searchText(params: Record<string, string | string[] | undefined>): string {
  const rawQuery = Array.isArray(params.q) ? params.q[0] : params.q;
  return (rawQuery ?? '').trim().slice(0, MAX_QUERY);
}

export async function generateMetadata({ searchParams }: { searchParams: SearchParams }): Promise<Metadata> {
  const q = searchText(await searchParams);
  // The root layout's template does not apply to its own segment's page: the site's name is added here.
  return q ? { title: { absolute: pageTitle(`“${q}” — Search`) } } : {};
}

export default async function HomePage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const q = searchText(params);
  const trail = readTrail('/', params, { q });

  // Reserved tickets stay in the list (shown as such): a reservation may end unpaid.
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), include: 'reserved' });
  if (q) query.set('q', q);
  if (trail.cursor) query.set('cursor', trail.cursor);
  const result = await apiGet<TicketPage>(`/api/tickets?${query}`);

  return (
    <>
      <div className="page-head">
        <h1>{q ? 'Search results' : 'Tickets for sale'}</h1>
        <Link href="/tickets/new" className="button">
          Sell a ticket
        </Link>
      </div>

      <Form action="/" className="search" role="search">
        <label htmlFor="q" className="search__label">
          Search tickets
        </label>
        <div className="search__row">
          <input
            id="q"
            name="q"
            type="search"
            className="input"
            defaultValue={q}
            placeholder="Concert, match, festival…"
            maxLength={MAX_QUERY}
            autoComplete="off"
          />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </Form>

      {!result.ok && result.unreachable ? (
        <ServiceProblem what="Tickets" retryHref={q ? `/?q=${encodeURIComponent(q)}` : '/'} />
      ) : null}

      {!result.ok && !result.unreachable ? (
        <div className="notice notice--problem" role="alert">
          <p>{result.errors[0]?.message ?? 'This page could not be loaded.'}</p>
          <p>
            <Link href="/">Start from the first page</Link>
          </p>
        </div>
      ) : null}

      {result.ok && result.data.tickets.length === 0 ? (
        <div className="empty">
          {q ? (
            <>
              <p>
                No tickets match “{q}”{trail.cursor ? ' on this page' : ''}.
              </p>
              <p>
                <Link href="/">See all tickets</Link>
              </p>
            </>
          ) : (
            <>
              <p>No tickets are for sale right now.</p>
              <p>
                <Link href="/tickets/new">Be the first to sell one</Link>
              </p>
            </>
          )}
        </div>
      ) : null}

      {result.ok && result.data.tickets.length > 0 ? (
        <>
          <p className="muted result-count" aria-live="polite">
            {q ? `Tickets matching “${q}”` : 'Newest listings first'}
          </p>
          <TicketList tickets={result.data.tickets} buyerFeePercent={buyerFeePercent()} />
          <Pagination trail={trail} nextCursor={result.data.nextCursor} />
        </>
      ) : null}
    </>
  );
}
