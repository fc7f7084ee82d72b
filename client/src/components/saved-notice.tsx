'use client';

import { useEffect, useState } from 'react';

/** What the seller just did to a ticket, to confirm on the page they land on. */
export type SavedKind = 'listed' | 'edited';

const MESSAGES: Record<SavedKind, string> = {
  listed: 'Listed — your ticket is on sale.',
  edited: 'Changes saved.',
};

const key = (ticketId: string) => `ticketing:saved:${ticketId}`;

/**
 * Remembers, for the next page only, that the ticket was just listed or edited. Kept in this
 * tab's sessionStorage rather than the URL, so the ticket's address stays the one to share and
 * a reload or a shared link does not confirm again.
 */
export function rememberSaved(ticketId: string, kind: SavedKind): void {
  try {
    sessionStorage.setItem(key(ticketId), kind);
  } catch {
    // Storage disabled: the page simply shows no confirmation.
  }
}

/**
 * The confirmation of the seller's last change to this ticket ("Listed", "Changes saved"), once,
 * and only while the ticket is at the version it was shown for (an Unlist after it makes it
 * stale). The status region is in the page before the text arrives, so screen readers announce it.
 */
export function SavedNotice({ ticketId, version }: { ticketId: string; version: number }) {
  const [saved, setSaved] = useState<{ kind: SavedKind; version: number } | null>(null);

  // Read once per ticket, with the version then shown: a later version hides the note.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reading storage again on a new version would find nothing
  useEffect(() => {
    let stored: string | null = null;
    try {
      stored = sessionStorage.getItem(key(ticketId));
      sessionStorage.removeItem(key(ticketId));
    } catch {
      return;
    }
    if (stored === 'listed' || stored === 'edited') setSaved({ kind: stored, version });
  }, [ticketId]);
  const kind = saved?.version === version ? saved.kind : null;

  return (
    <div role="status" className={kind ? 'notice notice--success saved-notice' : 'saved-notice saved-notice--empty'}>
      {kind ? <p>{MESSAGES[kind]}</p> : null}
    </div>
  );
}
