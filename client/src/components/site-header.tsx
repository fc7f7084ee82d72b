import Link from 'next/link';
import type { CurrentUser } from '@/lib/types';
import { NavLink } from './nav-link';
import { SiteMenu } from './site-menu';

export function SiteHeader({ user }: { user: CurrentUser | null }) {
  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link href="/" className="brand">
          <svg className="brand__mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <path d="M7 10h18v4a2 2 0 0 0 0 4v4H7v-4a2 2 0 0 0 0-4z" fill="#fff" />
          </svg>
          Ticketing
        </Link>
        <nav aria-label="Main" className="site-nav">
          <SiteMenu>
            <ul>
              <li>
                <NavLink href="/events">Events</NavLink>
              </li>
              <li>
                <NavLink href="/tickets/new">Sell</NavLink>
              </li>
              {user ? (
                <>
                  <li>
                    <NavLink href="/tickets/mine">My listings</NavLink>
                  </li>
                  <li>
                    <NavLink href="/payouts">My payouts</NavLink>
                  </li>
                  <li>
                    <NavLink href="/orders">My orders</NavLink>
                  </li>
                  <li>
                    <NavLink href="/passes">My tickets</NavLink>
                  </li>
                  <li className="site-nav__user" title={user.email}>
                    <span className="visually-hidden">Signed in as </span>
                    {user.email}
                  </li>
                  <li>
                    <NavLink href="/account">Account</NavLink>
                  </li>
                  <li>
                    <NavLink href="/auth/signout" prefetch={false}>
                      Sign out
                    </NavLink>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <NavLink href="/auth/signin">Sign in</NavLink>
                  </li>
                  <li>
                    <NavLink href="/auth/signup">Sign up</NavLink>
                  </li>
                </>
              )}
            </ul>
          </SiteMenu>
        </nav>
      </div>
    </header>
  );
}
