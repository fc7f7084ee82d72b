'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/** The renders this tab has shown, by the id the server gave each. */
const shown = new Set<string>();

/**
 * Refreshes a page the router restored from its cache (Back and Forward reuse the payload it
 * already has, whatever its age), so a ticket page reached by Back after Purchase shows the
 * reservation instead of the "On sale" it showed before. `renderId` is new on every server
 * render: seeing one again means the page came from the cache. A first visit costs nothing.
 */
export function FreshOnReturn({ renderId }: { renderId: string }) {
  const router = useRouter();
  useEffect(() => {
    if (shown.has(renderId)) router.refresh();
    else shown.add(renderId);
  }, [renderId, router]);
  return null;
}
