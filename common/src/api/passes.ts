import { z } from 'zod';
import { PASS_REVOCATION_REASONS, PASS_STATUSES } from '../events/subjects';
import { instant, uuid, uuidField } from './fields';
import { defineOperation, type ServiceApi } from './operation';

/** A pass as its holder sees it: the signed code is what the door scans. */
export const passJson = z
  .object({
    id: uuid(),
    ticketId: uuid(),
    orderId: uuid(),
    eventId: uuid().nullable().meta({ description: 'The catalog event; null for a ticket of no event.' }),
    holderId: uuid(),
    generation: z
      .number()
      .int()
      .positive()
      .meta({ description: "1 for the ticket's first buyer, one more each time it is reissued on resale." }),
    status: z.enum(PASS_STATUSES).meta({
      description:
        '`valid`: admissible once; `listed`: locked while its holder resells it (`listingId`), not admissible; `admitted`: scanned at the door (`admittedAt`); `revoked`: replaced by a newer generation or refunded (`revocationReason`), never admitted.',
    }),
    listingId: uuid().nullable().meta({
      description: 'The resale listing (`/api/tickets/{id}`) the pass is locked for while `listed`; null otherwise.',
    }),
    code: z.string().meta({
      description:
        'A JWS (compact serialization, `alg: EdDSA`, Ed25519) over `{ pid, tid, eid, hid, gen, iat }`; verify it with the JWK set of `GET /api/passes/keys`.',
    }),
    issuedAt: instant(),
    admittedAt: instant().nullable(),
    revokedAt: instant().nullable(),
    revocationReason: z.enum(PASS_REVOCATION_REASONS).nullable().meta({
      description:
        'Why a `revoked` pass was revoked: `reissued` (the ticket was resold; its new holder has the next generation) or `refunded` (the buyer of its order was refunded); null otherwise.',
    }),
  })
  .meta({
    examples: [
      {
        id: '7b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
        ticketId: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
        orderId: '6f1c2b9e-8d4a-4c3b-9e2f-1a7d5c8b0e34',
        eventId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        holderId: '2d9e7a41-3c6b-4f8e-a1d2-5b7c9e0f1a23',
        generation: 1,
        status: 'valid',
        listingId: null,
        code: 'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyJwaWQiOiIuLi4ifQ.c2lnbmF0dXJl',
        issuedAt: '2026-12-07T10:00:00.000Z',
        admittedAt: null,
        revokedAt: null,
        revocationReason: null,
      },
    ],
  });

export type PassJson = z.infer<typeof passJson>;

/** One pass with its code drawn as a QR code (SVG), for the pass page. */
export const passDetailJson = passJson.extend({
  qrSvg: z.string().meta({ description: 'The code as a QR code, an SVG document.' }),
});

export type PassDetailJson = z.infer<typeof passDetailJson>;

export const passListJson = z.object({ passes: z.array(passJson) });

/** A public key in JWK form (RFC 8037 OKP, Ed25519). */
export const passKeyJson = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().meta({ description: 'The public key, base64url.' }),
  kid: z.string().meta({ description: 'Its RFC 7638 JWK thumbprint (SHA-256), the `kid` of the codes it signed.' }),
  alg: z.literal('EdDSA'),
  use: z.literal('sig'),
});

export const passKeySetJson = z
  .object({ keys: z.array(passKeyJson) })
  .meta({ description: 'A JWK set (RFC 7517): the current signing key first, then retired keys still accepted.' });

export type PassKeySetJson = z.infer<typeof passKeySetJson>;

export const scanRequestJson = z
  .object({
    code: z
      .string({
        error: (issue) =>
          issue.input === undefined || issue.input === null ? 'code is required' : 'code must be a string',
      })
      .min(1, 'code is required')
      .max(4096, 'code must be at most 4096 characters')
      .meta({ description: 'The code of a pass, as its QR code holds it.' }),
  })
  .meta({ examples: [{ code: 'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyJwaWQiOiIuLi4ifQ.c2lnbmF0dXJl' }] });

export const scanResultJson = z.object({ result: z.literal('admitted'), pass: passJson });

export type ScanResultJson = z.infer<typeof scanResultJson>;

export const revocationsQuery = z.object({ eventId: uuidField('eventId') });

export const revocationListJson = z
  .object({
    eventId: uuid(),
    revoked: z
      .array(uuid())
      .meta({ description: 'Ids (`pid`) of the revoked passes of the event: a scanner refuses them for good.' }),
    listed: z.array(uuid()).meta({
      description:
        'Ids (`pid`) of the passes of the event locked for resale: a scanner refuses them while listed (they may be unlocked later).',
    }),
  })
  .meta({
    description: 'What an offline scanner refuses besides bad signatures: revoked passes and passes listed for resale.',
  });

export type RevocationListJson = z.infer<typeof revocationListJson>;

const passIdParams = z.object({ id: uuidField('Pass id') });

const listPasses = defineOperation({
  operationId: 'listPasses',
  method: 'get',
  path: '/api/passes',
  summary: 'The signed-in user’s passes',
  description: 'Every pass the user holds or held, newest first, each with its status.',
  auth: 'required',
  responses: { 200: { description: 'The passes.', body: passListJson } },
  errors: {},
});

const showPassKeys = defineOperation({
  operationId: 'showPassKeys',
  method: 'get',
  path: '/api/passes/keys',
  summary: 'The public keys that verify pass codes (a JWK set)',
  description:
    'Public and cacheable: a scanner downloads it once and verifies codes offline with any JOSE library (EdDSA, Ed25519). Retired keys (`PASS_VERIFY_KEYS`) stay listed while their codes are honoured.',
  auth: 'none',
  responses: {
    200: {
      description: 'The JWK set.',
      body: passKeySetJson,
      headers: { 'Cache-Control': '`public, max-age=300`' },
    },
  },
  errors: {},
});

const listRevokedPasses = defineOperation({
  operationId: 'listRevokedPasses',
  method: 'get',
  path: '/api/passes/revocations',
  summary: 'The passes of an event a scanner must refuse',
  description: 'For the event’s organizer, to scan offline: the ids of its revoked passes.',
  auth: 'required',
  query: revocationsQuery,
  responses: { 200: { description: 'The revoked pass ids.', body: revocationListJson } },
  errors: { 403: ['NOT_EVENT_ORGANIZER'], 404: ['EVENT_NOT_FOUND'] },
});

const showPass = defineOperation({
  operationId: 'showPass',
  method: 'get',
  path: '/api/passes/{id}',
  summary: 'One of the signed-in user’s passes, with its QR code',
  description: 'Only its holder sees a pass: anyone else gets 404, as for a pass that does not exist.',
  auth: 'required',
  params: passIdParams,
  responses: { 200: { description: 'The pass and its QR code.', body: passDetailJson } },
  errors: { 404: ['PASS_NOT_FOUND'] },
});

const scanPass = defineOperation({
  operationId: 'scanPass',
  method: 'post',
  path: '/api/passes/scan',
  summary: 'Check a pass in at the door',
  description:
    'By the organizer of the pass’s event. The first scan of a valid pass admits it; every later one answers `PASS_ALREADY_ADMITTED` with `admittedAt` in the error item. Concurrent scans of one code admit it once. A code of a revoked generation answers `PASS_REVOKED`; a pass locked for resale answers `PASS_LISTED`; a code whose signature, key (`kid`) or shape is wrong answers `PASS_INVALID`; a pass of a ticket with no event cannot be checked in (`PASS_NOT_FOR_EVENT`).',
  auth: 'required',
  body: scanRequestJson,
  responses: { 200: { description: 'Admitted: let the holder in.', body: scanResultJson } },
  errors: {
    400: ['PASS_INVALID'],
    403: ['NOT_EVENT_ORGANIZER'],
    409: ['PASS_ALREADY_ADMITTED', 'PASS_REVOKED', 'PASS_LISTED', 'PASS_NOT_FOR_EVENT'],
  },
});

/** The passes service's operations, by name (the static paths before `/api/passes/{id}`). */
export const passesOperations = { listPasses, showPassKeys, listRevokedPasses, showPass, scanPass };

export const passesApi: ServiceApi = {
  service: 'passes',
  title: 'Ticketing passes API',
  description:
    'Signed e-ticket passes, issued to the buyer of each completed order, and check-in at the door by the event’s organizer.',
  prefix: '/api/passes',
  operations: Object.values(passesOperations),
};
