import { randomUUID } from 'node:crypto';
import { outbox, Subjects } from '@ticketing/common';
import { and, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { orders } from '../src/db/schema';
import { issuePassForOrder } from '../src/domain/issue-pass';
import { scanPass } from '../src/domain/scan-pass';
import { createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
afterAll(() => bed?.close());

type Step = { kind: 'sale' } | { kind: 'redelivery' } | { kind: 'scan'; generation: number; times: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'sale' }),
  fc.constant<Step>({ kind: 'redelivery' }),
  fc.record({
    kind: fc.constant('scan' as const),
    generation: fc.integer({ min: 1, max: 6 }),
    times: fc.integer({ min: 1, max: 3 }),
  }),
);

// Invariant 9 of the architecture, on the use cases themselves: whatever the order of sales
// (reissues), redelivered completions and concurrent scans of any generation's code, a ticket
// has exactly one current pass, of its latest generation; a revoked generation is never admitted;
// a pass is admitted at most once.
describe('one current pass per sold ticket', () => {
  it('holds for any sequence of sales, redeliveries and scans', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const organizerId = randomUUID();
        const event = await bed.anEvent(organizerId);
        const ticket = await bed.aTicket(event.id);
        const completed: string[] = [];
        const admittedIds = new Set<string>();
        const sell = async () => {
          const id = randomUUID();
          await bed.db.insert(orders).values({
            id,
            userId: randomUUID(),
            ticketId: ticket.id,
            priceCents: 1_000,
            currency: 'usd',
            status: 'created',
            version: 0,
          });
          await issuePassForOrder(bed.deps, { id, version: 1, storedAt: new Date() });
          completed.push(id);
        };
        await sell();
        for (const current of steps) {
          if (current.kind === 'sale') await sell();
          else if (current.kind === 'redelivery') {
            const id = completed[completed.length - 1] as string;
            await issuePassForOrder(bed.deps, { id, version: 1, storedAt: new Date() });
          } else {
            const pass = (await bed.passesOfTicket(ticket.id)).find((p) => p.generation === current.generation);
            if (!pass) continue;
            const wasRevoked = pass.status === 'revoked';
            const outcomes = await Promise.allSettled(
              Array.from({ length: current.times }, () =>
                scanPass(bed.deps, { code: pass.code, scannerId: organizerId }),
              ),
            );
            const admitted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
            if (wasRevoked) expect(admitted).toHaveLength(0);
            expect(admitted.length).toBeLessThanOrEqual(admittedIds.has(pass.id) ? 0 : 1);
            if (admitted.length > 0) admittedIds.add(pass.id);
          }
        }
        const all = await bed.passesOfTicket(ticket.id);
        const current = all.filter((pass) => pass.status !== 'revoked');
        expect(current).toHaveLength(1);
        expect(current[0]?.generation).toBe(completed.length);
        expect(all.map((pass) => pass.generation)).toEqual(completed.map((_id, index) => index + 1));
        const [admissions] = await bed.db
          .select({ count: sql<number>`count(*)::int` })
          .from(outbox)
          .where(
            and(eq(outbox.subject, Subjects.PassAdmitted), sql`${outbox.payload}->'data'->>'ticketId' = ${ticket.id}`),
          );
        expect(admissions?.count).toBe(admittedIds.size);
      }),
      { numRuns: 25 },
    );
  });
});
