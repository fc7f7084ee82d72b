import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { ClaimDecision } from '@/components/claim-decision';
import { LocalTime } from '@/components/local-time';
import { ServiceProblem } from '@/components/service-problem';
import { signInPath } from '@/lib/navigation';
import { apiGet, getSession } from '@/lib/server-api';
import type { ClaimList } from '@/lib/types';

export const metadata: Metadata = { title: 'Open claims' };

const PATH = '/operator/claims';

/**
 * Operators only (OPERATOR_EMAILS of payments): the buyers' open claims, each with Refund buyer
 * and Release payout. payments says who is an operator (403 OPERATOR_ONLY to `all=true`); anyone
 * else gets the not-found page, which does not reveal that the page exists.
 */
export default async function OperatorClaimsPage() {
  const session = await getSession();
  if (session.unknown) return <ServiceProblem what="Accounts" retryHref={PATH} />;
  if (!session.user) redirect(signInPath(PATH));

  const result = await apiGet<ClaimList>('/api/payments/claims?all=true&status=open');
  if (!result.ok && result.unreachable) return <ServiceProblem what="Claims" retryHref={PATH} />;
  if (!result.ok && result.errors[0]?.code === 'NOT_AUTHORIZED') redirect(signInPath(PATH));
  if (!result.ok) notFound();

  const { claims } = result.data;
  return (
    <>
      <div className="page-head">
        <h1>Open claims</h1>
      </div>
      {claims.length === 0 ? (
        <div className="empty">
          <p>No claim is waiting for a decision.</p>
        </div>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Opened</th>
              <th scope="col">What the buyer says</th>
              <th scope="col">
                <span className="visually-hidden">Decision</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {claims.map((claim) => (
              <tr key={claim.id} data-claim-id={claim.id}>
                <th scope="row" data-label="Order">
                  <code>{claim.orderId.slice(0, 8)}</code>
                </th>
                <td data-label="Opened">
                  <LocalTime iso={claim.openedAt} />
                </td>
                <td data-label="What the buyer says" className="claim-message">
                  {claim.message}
                </td>
                <td className="data-table__actions">
                  <ClaimDecision claimId={claim.id} label={`order ${claim.orderId.slice(0, 8)}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <Link href="/">Back to the marketplace</Link>
      </p>
    </>
  );
}
