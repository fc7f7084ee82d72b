'use client';

import { useEffect, useEffectEvent, useState } from 'react';
import { formatDuration } from '@/lib/format';

/** Whole seconds until `deadline` (ms since the epoch), never negative. */
export function secondsUntil(deadline: number, now: number = Date.now()): number {
  const left = Math.floor((deadline - now) / 1000);
  return Number.isFinite(left) && left > 0 ? left : 0;
}

/**
 * Whether `deadline` has been reached (an invalid one has). Not `secondsUntil() === 0`: that is
 * already true during the last second, while the order can still be paid and the server still
 * shows it as awaiting payment.
 */
export function hasPassed(deadline: number, now: number = Date.now()): boolean {
  return !(deadline > now);
}

/** Under this many seconds left, the countdown turns urgent and says so once. */
export const URGENT_SECONDS = 120;

interface CountdownProps {
  /** ISO 8601 */
  expiresAt: string;
  /** Called once, when the time is up (at once if it already is). */
  onExpire?: () => void;
}

/** "Expires in 14:59", ticking every second, then "Expired". */
export function Countdown({ expiresAt, onExpire }: CountdownProps) {
  const deadline = Date.parse(expiresAt);
  const [now, setNow] = useState(() => Date.now());
  const expire = useEffectEvent(() => onExpire?.());

  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | undefined;
    let done = false;
    const tick = () => {
      const current = Date.now();
      setNow(current);
      if (hasPassed(deadline, current) && !done) {
        done = true;
        clearInterval(timer);
        expire();
      }
    };
    tick();
    if (!done) timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [deadline]);

  const expired = hasPassed(deadline, now);
  const left = secondsUntil(deadline, now);
  const urgent = !expired && left < URGENT_SECONDS;
  return (
    <div className="countdown-wrap">
      {/* role=timer is not live by default: a screen reader reads it when asked, not every second. */}
      <p
        role="timer"
        className={expired ? 'countdown countdown--expired' : urgent ? 'countdown countdown--urgent' : 'countdown'}
      >
        {/* The server's clock and the browser's may disagree by a second on first paint. */}
        <span suppressHydrationWarning>{expired ? 'Expired' : `Expires in ${formatDuration(left)}`}</span>
      </p>
      {/* Live, and its text appears once: a screen reader announces the warning once, not every tick. */}
      <p aria-live="polite" className="countdown__warning">
        {urgent ? 'Less than 2 minutes left: pay now to keep the ticket.' : ''}
      </p>
    </div>
  );
}
