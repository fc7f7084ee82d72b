import Link from 'next/link';

/** Shown instead of a page's content when the service behind it does not answer. */
export function ServiceProblem({ what, retryHref }: { what: string; retryHref: string }) {
  return (
    <section className="notice notice--problem" aria-labelledby="service-problem-title">
      <h2 id="service-problem-title">{what} are unavailable right now</h2>
      <p>We could not reach the service. It may be starting up or briefly down; please try again in a moment.</p>
      <p>
        <Link href={retryHref} className="button button--secondary">
          Try again
        </Link>
      </p>
    </section>
  );
}
