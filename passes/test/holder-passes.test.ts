import { randomUUID } from 'node:crypto';
import { compactVerify, createLocalJWKSet } from 'jose';
import QRCode from 'qrcode';
import request from 'supertest';
import { aUser, createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
beforeEach(() => bed.reset());
afterAll(() => bed?.close());

describe('GET /api/passes', () => {
  it('when the holder asks, then every pass they hold or held is listed with its status, and nobody else’s', async () => {
    const holder = aUser();
    const event = await bed.anEvent();
    const ticket = await bed.aTicket(event.id);
    const mine = await bed.buy(ticket.id, holder.id);
    await bed.buy(ticket.id); // resold: mine is revoked
    const other = await bed.aTicket(null);
    const current = await bed.buy(other.id, holder.id);
    await bed.buy((await bed.aTicket(null)).id); // someone else's

    const response = await request(bed.app()).get('/api/passes').set('Cookie', holder.cookie).expect(200);

    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(response.body.passes).toHaveLength(2);
    expect(response.body.passes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: mine.id, status: 'revoked', eventId: event.id, revokedAt: expect.any(String) }),
        expect.objectContaining({ id: current.id, status: 'valid', eventId: null, code: current.code }),
      ]),
    );
  });

  it('when signed out, then 401', async () => {
    await request(bed.app()).get('/api/passes').expect(401);
  });
});

describe('GET /api/passes/:id', () => {
  it('when the holder asks, then the pass comes with its code drawn as an SVG QR code', async () => {
    const holder = aUser();
    const pass = await bed.buy((await bed.aTicket(null)).id, holder.id);

    const response = await request(bed.app()).get(`/api/passes/${pass.id}`).set('Cookie', holder.cookie).expect(200);

    expect(response.body).toMatchObject({ id: pass.id, code: pass.code, status: 'valid', generation: 1 });
    expect(response.body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(response.body.qrSvg).toBe(
      await QRCode.toString(pass.code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    );
  });

  it('when someone else asks, then 404 PASS_NOT_FOUND, as for a pass that does not exist', async () => {
    const pass = await bed.buy((await bed.aTicket(null)).id);
    const someone = aUser();
    const app = bed.app();
    const theirs = await request(app).get(`/api/passes/${pass.id}`).set('Cookie', someone.cookie).expect(404);
    const missing = await request(app).get(`/api/passes/${randomUUID()}`).set('Cookie', someone.cookie).expect(404);
    expect(theirs.body).toEqual(missing.body);
    expect(theirs.body.errors).toEqual([{ message: 'Pass not found', code: 'PASS_NOT_FOUND' }]);
  });

  it('when the id is not a uuid, then 400 VALIDATION_FAILED; signed out, 401', async () => {
    const holder = aUser();
    const bad = await request(bed.app()).get('/api/passes/not-an-id').set('Cookie', holder.cookie).expect(400);
    expect(bad.body.errors[0]).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
    await request(bed.app()).get(`/api/passes/${randomUUID()}`).expect(401);
  });
});

describe('GET /api/passes/keys', () => {
  it('when anyone asks, then the JWK set is served, cacheable, and verifies an issued code with jose alone', async () => {
    const pass = await bed.buy((await bed.aTicket(null)).id);

    const response = await request(bed.app()).get('/api/passes/keys').expect(200);

    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.body).toEqual({
      keys: [
        { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: bed.keys.signing.kid, alg: 'EdDSA', use: 'sig' },
      ],
    });
    const { payload } = await compactVerify(pass.code, createLocalJWKSet(response.body), { algorithms: ['EdDSA'] });
    expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({
      pid: pass.id,
      tid: pass.ticketId,
      hid: pass.holderId,
      gen: 1,
    });
  });
});
