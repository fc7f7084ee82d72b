'use client';

import Link from 'next/link';
import { useEffect } from 'react';

export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div className="notice notice--problem" role="alert">
      <h1>Something went wrong</h1>
      <p>This page could not be shown. Please try again.</p>
      {digest ? <p className="muted">Reference: {digest}</p> : null}
      <p className="button-row">
        <button type="button" className="button" onClick={() => retry()}>
          Try again
        </button>
        <Link href="/" className="button button--secondary">
          Go to the home page
        </Link>
      </p>
    </div>
  );
}
