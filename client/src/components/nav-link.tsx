'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

/** A header link that marks itself as the current page. */
export function NavLink({ href, children, prefetch }: { href: string; children: ReactNode; prefetch?: boolean }) {
  const pathname = usePathname();
  const current = pathname === href;
  return (
    <Link
      href={href}
      prefetch={prefetch}
      className={current ? 'nav-link nav-link--current' : 'nav-link'}
      aria-current={current ? 'page' : undefined}
    >
      {children}
    </Link>
  );
}
