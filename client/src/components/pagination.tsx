import Link from 'next/link';
import { type CursorTrail, nextPageHref, previousPageHref } from '@/lib/cursor-trail';

/** "Previous" / "Next page" for a cursor-paginated list; see cursor-trail for how Previous works. */
export function Pagination({ trail, nextCursor }: { trail: CursorTrail; nextCursor: string | null }) {
  const previous = previousPageHref(trail);
  const next = nextCursor ? nextPageHref(trail, nextCursor) : null;
  if (!previous && !next) return null;
  return (
    <nav aria-label="Pagination" className="pagination">
      {previous ? (
        <Link href={previous} className="button button--secondary" rel="prev">
          ← Previous
        </Link>
      ) : (
        <span />
      )}
      {next ? (
        <Link href={next} className="button button--secondary" rel="next">
          Next page →
        </Link>
      ) : null}
    </nav>
  );
}
