import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { migrateFrom } from '@ticketing/common/testing';
import { sql } from 'drizzle-orm';

const migrationsFolder = path.join(__dirname, '..', 'migrations');

describe('passes migrations', () => {
  it('when a database made before refunds revoked passes holds passes, then migrating says every revoked one was reissued and leaves the others without a reason', async () => {
    const ticketId = randomUUID();
    const [first, second] = [randomUUID(), randomUUID()];
    const rows = await migrateFrom(
      migrationsFolder,
      1,
      async ({ db }) => {
        const pass = (
          id: string,
          generation: number,
          status: string,
          revokedAt: string | null,
          replacedBy: string | null,
        ) =>
          db.execute(
            sql`insert into passes (id, ticket_id, order_id, holder_id, generation, status, face_value, code, version, issued_at, revoked_at, replaced_by)
                values (${id}, ${ticketId}, ${randomUUID()}, ${randomUUID()}, ${generation}, ${status}, 4500, 'code', 0, now(), ${revokedAt}, ${replacedBy})`,
          );
        await pass(first, 1, 'revoked', '2026-11-01T10:00:00Z', second);
        await pass(second, 2, 'valid', null, null);
      },
      (current) =>
        current.rows<{ id: string; status: string; revocation_reason: string | null }>(
          sql`select id, status, revocation_reason from passes order by generation`,
        ),
    );
    expect(rows).toEqual([
      { id: first, status: 'revoked', revocation_reason: 'reissued' },
      { id: second, status: 'valid', revocation_reason: null },
    ]);
  });
});
