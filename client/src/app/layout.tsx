import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SandboxBanner } from '@/components/sandbox-banner';
import { SiteHeader } from '@/components/site-header';
import { pageTitle, SITE_NAME } from '@/lib/page-title';
import { getPaymentMode, getSession } from '@/lib/server-api';
import './globals.css';

export const metadata: Metadata = {
  title: { default: SITE_NAME, template: pageTitle('%s') },
  description: 'Buy and sell tickets. Reserve one, pay within the time limit, and it is yours.',
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#1f3a8a',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [{ user }, paymentMode] = await Promise.all([getSession(), getPaymentMode()]);
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        {paymentMode?.gateway === 'sandbox' && <SandboxBanner />}
        <SiteHeader user={user} />
        <main id="main" className="container main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <div className="container site-footer__inner">
            <span>Ticketing — buy and sell tickets safely.</span>
            <Link href="/docs">API documentation</Link>
          </div>
        </footer>
      </body>
    </html>
  );
}
