'use client';

import { useEffect, useState } from 'react';
import { formatDuration } from '@/lib/format';
import { hasPassed, secondsUntil } from './countdown';

/** "14:59 left to pay", ticking every second, then "Time to pay ran out": for a list of orders. */
export function TimeLeft({ expiresAt }: { expiresAt: string }) {
  const deadline = Date.parse(expiresAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (hasPassed(deadline, current)) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return (
    <span className="time-left" suppressHydrationWarning>
      {hasPassed(deadline, now) ? 'Time to pay ran out' : `${formatDuration(secondsUntil(deadline, now))} left to pay`}
    </span>
  );
}
