import type { Metadata } from 'next';
import Link from 'next/link';

export const metadata: Metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <div className="notice">
      <h1>Page not found</h1>
      <p>The page you are looking for does not exist, or the ticket or order is gone.</p>
      <p>
        <Link href="/" className="button">
          Browse tickets
        </Link>
      </p>
    </div>
  );
}
