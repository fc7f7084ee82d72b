import { passesApi } from '@ticketing/common';
import { exercisedOperations } from '@ticketing/common/testing';
import request from 'supertest';
import { aUser, createPassesTestBed, type PassesTestBed } from './harness';

let bed: PassesTestBed;
beforeAll(async () => {
  bed = await createPassesTestBed();
});
afterAll(() => bed?.close());

// Every answer of every test is checked against the document (common's contracts-setup); this
// file also makes sure each documented operation is called at least once.
describe('the passes API contract', () => {
  it('when a holder reads their passes and the keys, and the organizer scans and lists revocations, then every operation answers as documented', async () => {
    const holder = aUser();
    const organizer = aUser();
    const event = await bed.anEvent(organizer.id);
    const ticket = await bed.aTicket(event.id);
    const pass = await bed.buy(ticket.id, holder.id);
    const app = bed.app();

    await request(app).get('/api/passes').set('Cookie', holder.cookie).expect(200);
    await request(app).get(`/api/passes/${pass.id}`).set('Cookie', holder.cookie).expect(200);
    await request(app).get('/api/passes/keys').expect(200);
    await request(app).post('/api/passes/scan').set('Cookie', organizer.cookie).send({ code: pass.code }).expect(200);
    await request(app).post('/api/passes/scan').set('Cookie', organizer.cookie).send({ code: pass.code }).expect(409);
    await request(app)
      .get('/api/passes/revocations')
      .query({ eventId: event.id })
      .set('Cookie', organizer.cookie)
      .expect(200);

    expect([...exercisedOperations()].sort()).toEqual(passesApi.operations.map((o) => o.operationId).sort());
  });
});
