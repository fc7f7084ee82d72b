import { randomUUID } from 'node:crypto';
import { outbox, Subjects, type TicketCreatedData, type TicketStatus } from '@ticketing/common';
import { and, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { orders, type PassRow } from '../src/db/schema';
import { issuePassForOrder } from '../src/domain/issue-pass';
import { applyTicketVersion, type TicketVersionResult } from '../src/domain/resale-lock';
import { scanPass } from '../src/domain/scan-pass';
import { createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
afterAll(() => bed?.close());

type Step =
  /** The holder of generation `generation` (or a stranger) lists its pass for resale. */
  | { kind: 'list'; generation: number; stranger: boolean }
  /** The seller withdraws an available listing. */
  | { kind: 'withdraw'; listing: number }
  /** The seller relists a withdrawn listing (pending again). */
  | { kind: 'relist'; listing: number }
  /** Someone's order of a listing completes: it was available, or withdrawn after the reservation (a race). */
  | { kind: 'complete'; listing: number }
  /** The last version of a listing that passes applied is delivered again. */
  | { kind: 'redeliver' }
  /** Concurrent scans of generation `generation`'s code at the door. */
  | { kind: 'scan'; generation: number; times: number };

// Few generations and listings, so that steps meet the same passes and listings often.
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('list' as const),
      generation: fc.integer({ min: 1, max: 3 }),
      stranger: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), listing: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('relist' as const), listing: fc.nat({ max: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), listing: fc.nat({ max: 2 }) }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'redeliver' }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('scan' as const),
      generation: fc.integer({ min: 1, max: 3 }),
      times: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

/** Sequences every run checks, whatever the random ones reach: the races the swap must survive. */
const examples: [Step[]][] = [
  // A withdrawal raced a reservation: the unlocked pass is admitted, then the sale completes.
  [
    [
      { kind: 'list', generation: 1, stranger: false },
      { kind: 'withdraw', listing: 0 },
      { kind: 'scan', generation: 1, times: 2 },
      { kind: 'complete', listing: 0 },
      { kind: 'redeliver' },
    ],
  ],
  // Resold twice; the old codes are scanned, a revoked generation is listed, a relisting is sold.
  [
    [
      { kind: 'list', generation: 1, stranger: false },
      { kind: 'scan', generation: 1, times: 3 },
      { kind: 'complete', listing: 0 },
      { kind: 'list', generation: 1, stranger: false },
      { kind: 'list', generation: 2, stranger: false },
      { kind: 'withdraw', listing: 2 },
      { kind: 'relist', listing: 2 },
      { kind: 'redeliver' },
      { kind: 'list', generation: 2, stranger: false },
      { kind: 'complete', listing: 2 },
      { kind: 'scan', generation: 2, times: 2 },
      { kind: 'scan', generation: 3, times: 3 },
      { kind: 'scan', generation: 3, times: 1 },
    ],
  ],
  // A listing withdrawn and sold in a race while the pass is listed for another listing.
  [
    [
      { kind: 'list', generation: 1, stranger: false },
      { kind: 'withdraw', listing: 0 },
      { kind: 'list', generation: 1, stranger: true },
      { kind: 'list', generation: 1, stranger: false },
      { kind: 'complete', listing: 0 },
      { kind: 'complete', listing: 2 },
      { kind: 'scan', generation: 2, times: 2 },
    ],
  ],
];

interface Listing {
  /** The listing's last version passes applied (version 0 before the first). */
  data: TicketCreatedData;
  status: TicketStatus;
  applied: boolean;
}

// Invariant 9 of the architecture through the secure swap, on the use cases the listeners call:
// whatever the order of resale listings (by the holder or not, of any generation), withdrawals,
// relistings, completions (also of a listing withdrawn after its reservation), redelivered ticket
// versions and concurrent scans, the ticket's chain has exactly one pass that is valid, listed or
// admitted — its latest generation; a revoked generation is never admitted; a pass is admitted at
// most once; and a listed pass is listed for a listing that is on sale.
describe('one current pass per ticket chain, through resales', () => {
  it('holds after every step of any sequence of listings, withdrawals, relistings, completions, redeliveries and scans', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20 }), async (steps) => {
        const organizerId = randomUUID();
        const event = await bed.anEvent(organizerId);
        const ticket = await bed.aTicket(event.id);
        const listings: Listing[] = [];
        const admittedIds = new Set<string>();
        let lastApplied: TicketCreatedData | undefined;

        const complete = async (ticketId: string, userId: string = randomUUID()) => {
          const id = randomUUID();
          await bed.db
            .insert(orders)
            .values({ id, userId, ticketId, priceCents: 1_000, currency: 'usd', status: 'created', version: 0 });
          return issuePassForOrder(bed.deps, { id, version: 1, storedAt: new Date() });
        };
        const chain = () => bed.passesOfTicket(ticket.id);
        const ofGeneration = async (generation: number): Promise<PassRow | undefined> =>
          (await chain()).find((pass) => pass.generation === generation);

        /** passes applies a version of a listing; tickets then answers pass.listed / pass.lock_refused as designed. */
        const apply = async (listing: Listing, status: TicketStatus): Promise<TicketVersionResult> => {
          const data = { ...listing.data, version: listing.applied ? listing.data.version + 1 : 0, status };
          const result = await applyTicketVersion(bed.deps, data, { storedAt: new Date(), healMs: 60_000 });
          expect(result.outcome).toBe('applied');
          listing.data = data;
          listing.status = status;
          listing.applied = true;
          lastApplied = data;
          if (status === 'pending') {
            const next = result.resale?.step === 'listed' ? 'available' : 'rejected';
            expect(['listed', 'refused']).toContain(result.resale?.step);
            await apply(listing, next);
          }
          return result;
        };
        const pick = (index: number): Listing | undefined => listings[index % Math.max(listings.length, 1)];

        await complete(ticket.id);
        for (const current of steps) {
          if (current.kind === 'list') {
            const pass = await ofGeneration(current.generation);
            if (!pass) continue;
            const listing: Listing = {
              data: {
                id: randomUUID(),
                version: 0,
                title: 'Resale',
                price: 12,
                userId: current.stranger ? randomUUID() : pass.holderId,
                eventId: event.id,
                resaleOfPassId: pass.id,
                status: 'pending',
              },
              status: 'pending',
              applied: false,
            };
            listings.push(listing);
            await apply(listing, 'pending');
          } else if (current.kind === 'withdraw') {
            const listing = pick(current.listing);
            if (listing?.status === 'available') await apply(listing, 'withdrawn');
          } else if (current.kind === 'relist') {
            const listing = pick(current.listing);
            if (listing?.status === 'withdrawn') await apply(listing, 'pending');
          } else if (current.kind === 'complete') {
            const listing = pick(current.listing);
            if (listing?.status !== 'available' && listing?.status !== 'withdrawn') continue;
            const before = await chain();
            const result = await complete(listing.data.id);
            const resold = before.find((pass) => pass.id === listing.data.resaleOfPassId);
            // Only an admitted or already revoked pass keeps its buyer from a pass.
            const expected =
              resold?.status === 'admitted' || resold?.status === 'revoked' ? 'resale-conflict' : 'issued';
            expect(result.outcome).toBe(expected);
            await apply(listing, 'sold');
          } else if (current.kind === 'redeliver') {
            if (!lastApplied) continue;
            const before = await chain();
            const result = await applyTicketVersion(bed.deps, lastApplied, { storedAt: new Date(), healMs: 60_000 });
            expect(result).toEqual({ outcome: 'duplicate' });
            expect(await chain()).toEqual(before);
          } else {
            const pass = await ofGeneration(current.generation);
            if (!pass) continue;
            const outcomes = await Promise.allSettled(
              Array.from({ length: current.times }, () =>
                scanPass(bed.deps, { code: pass.code, scannerId: organizerId }),
              ),
            );
            const admitted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
            if (pass.status !== 'valid') expect(admitted).toHaveLength(0);
            expect(admitted.length).toBeLessThanOrEqual(1);
            if (admitted.length > 0) admittedIds.add(pass.id);
          }

          const all = await chain();
          const currentPasses = all.filter((pass) => pass.status !== 'revoked');
          expect(currentPasses).toHaveLength(1);
          expect(currentPasses[0]?.generation).toBe(all.length);
          expect(all.map((pass) => pass.generation)).toEqual(all.map((_pass, index) => index + 1));
          for (const pass of all) {
            if (admittedIds.has(pass.id)) expect(pass.status).toBe('admitted');
            if (pass.status === 'listed') {
              const listing = listings.find((candidate) => candidate.data.id === pass.listingId);
              expect(listing).toMatchObject({ status: 'available', data: { resaleOfPassId: pass.id } });
            }
          }
          const [admissions] = await bed.db
            .select({ count: sql<number>`count(*)::int` })
            .from(outbox)
            .where(
              and(
                eq(outbox.subject, Subjects.PassAdmitted),
                sql`${outbox.payload}->'data'->>'ticketId' = ${ticket.id}`,
              ),
            );
          expect(admissions?.count).toBe(admittedIds.size);
        }
      }),
      { numRuns: 40, examples },
    );
  });
});
