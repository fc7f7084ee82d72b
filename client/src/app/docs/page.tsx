import type { Metadata } from 'next';
import { ApiDocs, type ApiDocument } from '@/components/api-docs';
import asyncApi from '../../../../docs/asyncapi.json';

export const metadata: Metadata = { title: 'API documentation' };

/** Each service serves its OpenAPI document under its own prefix, through the same origin as this page. */
const DOCUMENTS: ApiDocument[] = [
  { id: 'users', title: 'Accounts', kind: 'openapi', url: '/api/users/openapi.json' },
  { id: 'tickets', title: 'Tickets', kind: 'openapi', url: '/api/tickets/openapi.json' },
  { id: 'orders', title: 'Orders', kind: 'openapi', url: '/api/orders/openapi.json' },
  { id: 'payments', title: 'Payments', kind: 'openapi', url: '/api/payments/openapi.json' },
  { id: 'events', title: 'Events', kind: 'asyncapi', document: asyncApi },
];

export default function DocsPage() {
  return (
    <>
      <h1>API documentation</h1>
      <p className="muted">
        The HTTP APIs (OpenAPI 3.1) and the events the services exchange (AsyncAPI 3.0), generated from the schemas that
        validate every request. The raw documents: <code>/api/&lt;service&gt;/openapi.json</code> and{' '}
        <code>docs/asyncapi.json</code> in the repository.
      </p>
      <ApiDocs documents={DOCUMENTS} />
    </>
  );
}
