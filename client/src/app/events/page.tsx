import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { EventList } from '@/components/event-list';
import { Pagination } from '@/components/pagination';
import { ServiceProblem } from '@/components/service-problem';
import { readTrail } from '@/lib/cursor-trail';
import { apiGet } from '@/lib/server-api';
import { buyerFeePercent } from '@/lib/server-config';
import type { CatalogEventPage } from '@/lib/types';

export const metadata: Metadata = { title: 'Events' };

const PAGE_SIZE = 20;
const MAX_TEXT = 100;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function text(params: Record<string, string | string[] | undefined>, name: string): string {
  const raw = params[name];
  return ((Array.isArray(raw) ? raw[0] : raw) ?? '').trim().slice(0, MAX_TEXT);
}

/** A day of the form's date inputs (YYYY-MM-DD), or '' when it is not one. */
function day(params: Record<string, string | string[] | undefined>, name: string): string {
  const value = text(params, name);
  return DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? value : '';
}

/**
 * The catalog: upcoming events, soonest (or cheapest) first, narrowed by a search, a city, a
 * category and a range of days (whole days, UTC). With no start day given, events that have
 * already started are left out.
 */
export default async function EventsPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const filters = {
    q: text(params, 'q'),
    city: text(params, 'city'),
    category: text(params, 'category'),
    from: day(params, 'from'),
    to: day(params, 'to'),
    sort: text(params, 'sort') === 'price' ? 'price' : '',
  };
  const trail = readTrail('/events', params, filters);

  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filters.q) query.set('q', filters.q);
  if (filters.city) query.set('city', filters.city);
  if (filters.category) query.set('category', filters.category);
  query.set('from', filters.from ? `${filters.from}T00:00:00.000Z` : new Date().toISOString());
  if (filters.to) query.set('to', `${filters.to}T23:59:59.999Z`);
  if (filters.sort) query.set('sort', filters.sort);
  if (trail.cursor) query.set('cursor', trail.cursor);
  const result = await apiGet<CatalogEventPage>(`/api/events?${query}`);
  const filtered = Boolean(filters.q || filters.city || filters.category || filters.from || filters.to);

  return (
    <>
      <div className="page-head">
        <h1>Events</h1>
        <Link href="/events/new" className="button button--secondary">
          Add an event
        </Link>
      </div>

      <Form action="/events" className="card filters" role="search" aria-label="Find events">
        <div className="filters__row">
          <div className="field">
            <label htmlFor="events-q">Search</label>
            <input
              id="events-q"
              name="q"
              type="search"
              className="input"
              defaultValue={filters.q}
              maxLength={MAX_TEXT}
            />
          </div>
          <div className="field">
            <label htmlFor="events-city">City</label>
            <input id="events-city" name="city" className="input" defaultValue={filters.city} maxLength={MAX_TEXT} />
          </div>
          <div className="field">
            <label htmlFor="events-category">Category</label>
            <input
              id="events-category"
              name="category"
              className="input"
              defaultValue={filters.category}
              maxLength={MAX_TEXT}
            />
          </div>
        </div>
        <div className="filters__row">
          <div className="field">
            <label htmlFor="events-from">From (day)</label>
            <input id="events-from" name="from" type="date" className="input" defaultValue={filters.from} />
          </div>
          <div className="field">
            <label htmlFor="events-to">To (day)</label>
            <input id="events-to" name="to" type="date" className="input" defaultValue={filters.to} />
          </div>
          <div className="field">
            <label htmlFor="events-sort">Sort by</label>
            <select id="events-sort" name="sort" className="input" defaultValue={filters.sort}>
              <option value="">Date, soonest first</option>
              <option value="price">Price, lowest first</option>
            </select>
          </div>
        </div>
        <div className="filters__actions">
          <button type="submit" className="button">
            Find events
          </button>
          {filtered || filters.sort ? <Link href="/events">Clear</Link> : null}
        </div>
      </Form>

      {!result.ok && result.unreachable ? <ServiceProblem what="Events" retryHref="/events" /> : null}
      {!result.ok && !result.unreachable ? (
        <div className="notice notice--problem" role="alert">
          <p>{result.errors[0]?.message ?? 'This page could not be loaded.'}</p>
          <p>
            <Link href="/events">Start again</Link>
          </p>
        </div>
      ) : null}
      {result.ok && result.data.events.length === 0 ? (
        <div className="empty">
          <p>{filtered ? 'No upcoming events match.' : 'No upcoming events yet.'}</p>
          <p>
            {filtered ? <Link href="/events">See all events</Link> : <Link href="/events/new">Add the first one</Link>}
          </p>
        </div>
      ) : null}
      {result.ok && result.data.events.length > 0 ? (
        <>
          <EventList events={result.data.events} buyerFeePercent={buyerFeePercent()} />
          <Pagination trail={trail} nextCursor={result.data.nextCursor} />
        </>
      ) : null}
    </>
  );
}
