'use client';

import { useSyncExternalStore } from 'react';
import { formatDateTime } from '@/lib/format';

const subscribe = () => () => {};

/**
 * An instant in the reader's own time zone. The server does not know it, so the server's render
 * (and the browser's hydration of it) shows UTC, said so, and the browser then switches to local
 * time: no hydration mismatch, and never a time in the server's zone passed off as the reader's.
 */
export function LocalTime({ iso }: { iso: string }) {
  const inBrowser = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  return <time dateTime={iso}>{inBrowser ? formatDateTime(iso) : `${formatDateTime(iso, 'UTC')} UTC`}</time>;
}
