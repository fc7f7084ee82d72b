import { randomUUID } from 'node:crypto';
import { Subjects } from '@ticketing/common';
import request from 'supertest';
import { signPassCode } from '../src/signing/pass-codes';
import { generateSigningKeyPem, loadPassKeys } from '../src/signing/pass-keys';
import { aUser, createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

const scan = (cookie: ReturnType<typeof aUser>['cookie'] | undefined, body: unknown) => {
  const call = request(bed.app()).post('/api/passes/scan');
  return (cookie ? call.set('Cookie', cookie) : call).send(body as object);
};

describe('POST /api/passes/scan', () => {
  it('when the organizer scans a valid pass, then it is admitted, pass.admitted is published, and the pass says when', async () => {
    const { organizer, event, pass } = await bed.aHeldPass();

    const response = await scan(organizer.cookie, { code: pass.code }).expect(200);

    expect(response.body).toEqual({
      result: 'admitted',
      pass: expect.objectContaining({ id: pass.id, status: 'admitted', admittedAt: expect.any(String), generation: 1 }),
    });
    const [row] = await bed.passesOfTicket(pass.ticketId);
    expect(row).toMatchObject({ status: 'admitted', admittedBy: organizer.id, version: 1 });
    const [admitted] = await bed.published(Subjects.PassAdmitted, pass.id);
    expect(admitted?.data).toEqual({
      id: pass.id,
      version: 1,
      ticketId: pass.ticketId,
      orderId: pass.orderId,
      eventId: event.id,
      holderId: pass.holderId,
      generation: 1,
      admittedBy: organizer.id,
      admittedAt: row?.admittedAt?.toISOString(),
    });
  });

  it('when an admitted pass is scanned again, then 409 PASS_ALREADY_ADMITTED says when it was admitted, and nothing changes', async () => {
    const { organizer, pass } = await bed.aHeldPass();
    const first = await scan(organizer.cookie, { code: pass.code }).expect(200);

    const again = await scan(organizer.cookie, { code: pass.code }).expect(409);

    expect(again.body).toEqual({
      errors: [
        {
          message: expect.stringContaining(first.body.pass.admittedAt),
          code: 'PASS_ALREADY_ADMITTED',
          admittedAt: first.body.pass.admittedAt,
        },
      ],
    });
    expect(await bed.published(Subjects.PassAdmitted)).toHaveLength(1);
  });

  it('when 200 scans of one code arrive at once, then exactly one admits it and the others answer PASS_ALREADY_ADMITTED', async () => {
    const { organizer, pass } = await bed.aHeldPass();
    const app = bed.app();

    const responses = await Promise.all(
      Array.from({ length: 200 }, () =>
        request(app).post('/api/passes/scan').set('Cookie', organizer.cookie).send({ code: pass.code }),
      ),
    );

    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(199);
    expect(new Set(responses.filter((r) => r.status === 409).map((r) => r.body.errors[0].code))).toEqual(
      new Set(['PASS_ALREADY_ADMITTED']),
    );
    expect(await bed.published(Subjects.PassAdmitted)).toHaveLength(1);
    const [row] = await bed.passesOfTicket(pass.ticketId);
    expect(row).toMatchObject({ status: 'admitted', version: 1 });
  });

  it('when the code of an earlier generation is scanned after a resale, then 409 PASS_REVOKED, and the new pass is admitted', async () => {
    const { organizer, ticket, pass: first } = await bed.aHeldPass();
    const second = await bed.buy(ticket.id);

    const refused = await scan(organizer.cookie, { code: first.code }).expect(409);
    expect(refused.body.errors).toEqual([{ message: expect.any(String), code: 'PASS_REVOKED' }]);
    await scan(organizer.cookie, { code: second.code }).expect(200);
    // Once the new pass is in, the old one is still refused as revoked.
    await scan(organizer.cookie, { code: first.code }).expect(409);
    expect((await bed.passesOfTicket(ticket.id)).map((pass) => pass.status)).toEqual(['revoked', 'admitted']);
  });

  it.each([
    ['a malformed code', () => 'not-a-code'],
    [
      'a code signed by an unknown key',
      () => signPassCode(loadPassKeys({ signingKey: generateSigningKeyPem() }), claims()),
    ],
    ['a code with a forged signature', () => forged()],
    ['a correctly signed code of a pass that was never issued', () => signPassCode(bed.keys, claims())],
  ])('when the code is %s, then 400 PASS_INVALID and nothing is admitted', async (_what, code) => {
    const { organizer } = await bed.aHeldPass();
    const response = await scan(organizer.cookie, { code: code() }).expect(400);
    expect(response.body).toEqual({
      errors: [{ message: expect.stringMatching(/not a valid pass/), code: 'PASS_INVALID', field: 'code' }],
    });
    expect(await bed.published(Subjects.PassAdmitted)).toEqual([]);
  });

  it('when the issued code of a pass comes with its signature or its claims altered, then 400 PASS_INVALID and the pass stays valid', async () => {
    const { organizer, pass } = await bed.aHeldPass();
    const [header, body, signature] = pass.code.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    const reclaimed = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), iat: 1 }),
    ).toString('base64url');
    for (const code of [`${header}.${body}.${flipped}`, `${header}.${reclaimed}.${signature}`]) {
      await scan(organizer.cookie, { code }).expect(400);
    }
    expect((await bed.passNow(pass.id)).status).toBe('valid');
    await scan(organizer.cookie, { code: pass.code }).expect(200);
  });

  it('when a signed code names a pass but another generation than it has, then 400 PASS_INVALID', async () => {
    const { organizer, pass } = await bed.aHeldPass();
    const code = signPassCode(bed.keys, {
      pid: pass.id,
      tid: pass.ticketId,
      eid: pass.eventId,
      hid: pass.holderId,
      gen: 2,
      iat: 0,
    });
    await scan(organizer.cookie, { code }).expect(400);
  });

  it.each([
    ['no code', {}, 'code is required'],
    ['a number', { code: 42 }, 'code must be a string'],
    ['an empty code', { code: '' }, 'code is required'],
  ])('when the body has %s, then 400 VALIDATION_FAILED', async (_what, body, message) => {
    const { organizer } = await bed.aHeldPass();
    const response = await scan(organizer.cookie, body).expect(400);
    expect(response.body.errors).toEqual([{ message, code: 'VALIDATION_FAILED', field: 'code' }]);
  });

  it('when someone other than the organizer scans, even the holder, then 403 NOT_EVENT_ORGANIZER and the pass stays valid', async () => {
    const { holder, pass } = await bed.aHeldPass();
    for (const who of [aUser(), holder]) {
      const response = await scan(who.cookie, { code: pass.code }).expect(403);
      expect(response.body.errors).toEqual([{ message: expect.any(String), code: 'NOT_EVENT_ORGANIZER' }]);
    }
    expect((await bed.passesOfTicket(pass.ticketId))[0]?.status).toBe('valid');
  });

  it('when the event is not in the catalog replica, then nobody can scan its passes (403)', async () => {
    const ticket = await bed.aTicket(randomUUID());
    const pass = await bed.buy(ticket.id);
    await scan(aUser().cookie, { code: pass.code }).expect(403);
  });

  it('when signed out, then 401', async () => {
    const { pass } = await bed.aHeldPass();
    const response = await scan(undefined, { code: pass.code }).expect(401);
    expect(response.body.errors[0].code).toBe('NOT_AUTHORIZED');
  });

  it('when the pass is of a ticket with no event, then 409 PASS_NOT_FOR_EVENT', async () => {
    const ticket = await bed.aTicket(null);
    const pass = await bed.buy(ticket.id);
    const response = await scan(aUser().cookie, { code: pass.code }).expect(409);
    expect(response.body.errors).toEqual([{ message: expect.any(String), code: 'PASS_NOT_FOR_EVENT' }]);
    expect((await bed.passesOfTicket(ticket.id))[0]?.status).toBe('valid');
  });

  it('counts the refusals by reason in /metrics', async () => {
    const { organizer, pass } = await bed.aHeldPass();
    const app = bed.app();
    await request(app).post('/api/passes/scan').set('Cookie', organizer.cookie).send({ code: 'x.y.z' }).expect(400);
    const text = (await request(app).get('/metrics').expect(200)).text;
    expect(text).toMatch(/passes_scans_refused_total\{reason="invalid",service="passes"\} [1-9]/);
    expect(text).toMatch(/passes_by_status\{status="valid",service="passes"\} 1\n/);
    expect(pass.status).toBe('valid');
  });
});

describe('GET /api/passes/revocations', () => {
  it('when the organizer asks, then the revoked pass ids of the event are listed, not the current ones', async () => {
    const { organizer, event, ticket, pass: first } = await bed.aHeldPass();
    const second = await bed.buy(ticket.id);
    const response = await request(bed.app())
      .get('/api/passes/revocations')
      .query({ eventId: event.id })
      .set('Cookie', organizer.cookie)
      .expect(200);
    expect(response.body).toEqual({ eventId: event.id, revoked: [first.id], listed: [] });
    expect(response.body.revoked).not.toContain(second.id);
  });

  it('when anyone else asks, then 403 NOT_EVENT_ORGANIZER; an unknown event 404 EVENT_NOT_FOUND; a bad id 400; signed out 401', async () => {
    const { event } = await bed.aHeldPass();
    const app = bed.app();
    const someone = aUser();
    const get = (query: Record<string, string>) =>
      request(app).get('/api/passes/revocations').query(query).set('Cookie', someone.cookie);
    expect((await get({ eventId: event.id }).expect(403)).body.errors[0].code).toBe('NOT_EVENT_ORGANIZER');
    expect((await get({ eventId: randomUUID() }).expect(404)).body.errors[0].code).toBe('EVENT_NOT_FOUND');
    expect((await get({ eventId: 'nope' }).expect(400)).body.errors[0].code).toBe('VALIDATION_FAILED');
    await request(app).get('/api/passes/revocations').query({ eventId: event.id }).expect(401);
  });
});

function claims() {
  return { pid: randomUUID(), tid: randomUUID(), eid: randomUUID(), hid: randomUUID(), gen: 1, iat: 0 };
}

/** A code whose signature was made by another key but whose header names the service's key. */
function forged() {
  const other = loadPassKeys({ signingKey: generateSigningKeyPem() });
  return signPassCode({ signing: { ...other.signing, kid: bed.keys.signing.kid } }, claims());
}
