import { authApi, openApiDocument } from '@ticketing/common';
import { exercisedOperations } from '@ticketing/common/testing';
import request from 'supertest';
import { type AuthTestBed, createAuthTestBed, credentials } from './harness';

let bed: AuthTestBed;
beforeAll(async () => {
  bed = await createAuthTestBed();
});
afterAll(() => bed?.close());

// Every answer of every test is checked against the document (common's contracts-setup); this
// file also makes sure each documented operation is called at least once.
describe('the auth API contract', () => {
  it('when GET /api/users/openapi.json is asked, signed out, then it answers the OpenAPI document', async () => {
    const response = await request(bed.app()).get('/api/users/openapi.json').expect(200);
    expect(response.body).toEqual(openApiDocument(authApi));
    expect(response.headers['content-type']).toMatch(/^application\/json/);
  });

  it('when a user signs up, signs in, reads who is signed in and signs out here and everywhere, then every operation answers as documented', async () => {
    const app = bed.app();
    const signedUp = await request(app).post('/api/users/signup').send(credentials()).expect(201);
    const signedIn = await request(app).post('/api/users/signin').send(credentials()).expect(200);
    const cookie = signedIn.get('Set-Cookie') ?? [];
    const me = await request(app).get('/api/users/currentuser').set('Cookie', cookie).expect(200);
    expect(me.body).toEqual({ currentUser: signedUp.body });
    await request(app).post('/api/users/signout-everywhere').set('Cookie', cookie).expect(200);
    await request(app).post('/api/users/signout-everywhere').set('Cookie', cookie).expect(401);
    await request(app).post('/api/users/signout').set('Cookie', cookie).expect(200);
    await request(app).get('/api/users/currentuser').set('Cookie', cookie).expect(200, { currentUser: null });

    expect([...exercisedOperations()].sort()).toEqual(authApi.operations.map((o) => o.operationId).sort());
  });
});
