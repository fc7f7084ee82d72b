import { DrizzleQueryError } from 'drizzle-orm';
import express from 'express';
import request from 'supertest';
import { BadRequestError } from '../../errors';
import { errorHandler } from '../error-handler';
import { buildApp } from './test-app';

describe('errorHandler', () => {
  it('when a route throws a CustomError, then the answer is its status and serialized items', async () => {
    const { app } = buildApp((app) => {
      app.post('/tickets', () => {
        throw new BadRequestError('Ticket is reserved', { code: 'TICKET_RESERVED', field: 'ticketId' });
      });
    });

    const res = await request(app).post('/tickets').send({});

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: 'Ticket is reserved', code: 'TICKET_RESERVED', field: 'ticketId' }],
    });
  });

  it('when an async route rejects with a CustomError, then Express 5 forwards it to the handler', async () => {
    const { app } = buildApp((app) => {
      app.get('/slow', async () => {
        await Promise.resolve();
        throw new BadRequestError('Too late');
      });
    });

    const res = await request(app).get('/slow');

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Too late', code: 'BAD_REQUEST' }] });
  });

  it('when the JSON body is malformed, then the answer is 400 "Malformed JSON body"', async () => {
    const { app } = buildApp((app) => app.post('/echo', (req, res) => res.json(req.body)));

    const res = await request(app).post('/echo').set('Content-Type', 'application/json').send('{"title": ');

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Malformed JSON body', code: 'MALFORMED_JSON' }] });
  });

  it('when the body exceeds bodyLimit, then the answer is 413 "Request body is too large"', async () => {
    const { app } = buildApp((app) => app.post('/echo', (req, res) => res.json(req.body)), { bodyLimit: '1kb' });

    const res = await request(app)
      .post('/echo')
      .send({ title: 'x'.repeat(2048) });

    expect(res.status).toBe(413);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is too large', code: 'PAYLOAD_TOO_LARGE' }] });
  });

  it('when the body has an unsupported charset, then the answer is 415 with a fixed message', async () => {
    const { app } = buildApp((app) => app.post('/echo', (req, res) => res.json(req.body)));

    const res = await request(app).post('/echo').set('Content-Type', 'application/json; charset=latin1').send('{}');

    expect(res.status).toBe(415);
    expect(res.body).toEqual({ errors: [{ message: 'Unsupported charset', code: 'UNSUPPORTED_CHARSET' }] });
  });

  it('when the body has an unsupported content encoding, then the answer is 415 with a fixed message', async () => {
    const { app } = buildApp((app) => app.post('/echo', (req, res) => res.json(req.body)));

    const res = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'x-secret')
      .send('{}');

    expect(res.status).toBe(415);
    expect(res.body).toEqual({ errors: [{ message: 'Unsupported content encoding', code: 'UNSUPPORTED_ENCODING' }] });
  });

  it('when a route parameter is not valid percent-encoding, then the answer is a 400, not a 500', async () => {
    const { app, lines } = buildApp((app) => app.get('/items/:id', (req, res) => res.json(req.params)));

    const res = await request(app).get('/items/%E0%A4%A');

    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'Bad Request', code: 'BAD_REQUEST' }] });
    expect(lines.some((line) => line.msg === 'Unhandled error while handling request')).toBe(false);
  });

  it('when a route throws an unknown error, then the answer is a generic 500 without stack or message', async () => {
    const { app } = buildApp((app) => {
      app.get('/boom', () => {
        throw new Error('password=hunter2 leaked from the database driver');
      });
    });

    const res = await request(app).get('/boom');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Something went wrong', code: 'INTERNAL_ERROR' }] });
    expect(res.text).not.toMatch(/hunter2|stack|at .*\.ts/);
  });

  it('when an unknown error happens, then it is logged with the request id and the error', async () => {
    const { app, lines } = buildApp((app) => {
      app.get('/boom', () => {
        throw new Error('database exploded');
      });
    });

    await request(app).get('/boom').set('x-request-id', 'req-42');

    const logged = lines.find((line) => line.msg === 'Unhandled error while handling request');
    expect(logged).toMatchObject({ level: 50, reqId: 'req-42', err: { message: 'database exploded' } });
    expect((logged?.err as { stack?: string } | undefined)?.stack).toContain('database exploded');
  });

  it('when a database error reaches the handler, then the logged lines keep the failure and the request id but no query parameters or row values', async () => {
    const email = 'someone@private.dev';
    const { app, lines } = buildApp((app) => {
      app.post('/users', () => {
        const pgError = Object.assign(new Error('duplicate key value violates unique constraint "users_email"'), {
          code: '23505',
          detail: `Key (lower(email))=(${email}) already exists.`,
          constraint: 'users_email',
        });
        throw new DrizzleQueryError(
          'insert into "users" ("email", "hash") values ($1, $2)',
          [email, 'hash-123'],
          pgError,
        );
      });
    });

    const res = await request(app)
      .post('/users')
      .set('x-request-id', 'req-db-1')
      .set('Cookie', 'session=eyJzZWNyZXQiOiJjb29raWUifQ==')
      .send({ email, password: 'hunter2-hunter2' });

    expect(res.status).toBe(500);
    const logged = lines.find((line) => line.msg === 'Unhandled error while handling request');
    expect(logged).toMatchObject({
      reqId: 'req-db-1',
      req: { id: 'req-db-1' },
      err: {
        message: 'Failed query: insert into "users" ("email", "hash") values ($1, $2)',
        cause: { code: '23505', constraint: 'users_email' },
      },
    });
    const text = JSON.stringify(lines);
    for (const secret of [email, 'hash-123', 'hunter2', 'eyJzZWNyZXQi']) expect(text).not.toContain(secret);
  });

  it('when an error carries a 5xx status of its own, then it is still a generic, logged 500', async () => {
    const { app, lines } = buildApp((app) => {
      app.get('/upstream', () => {
        throw Object.assign(new Error('upstream said 503'), { status: 503 });
      });
    });

    const res = await request(app).get('/upstream');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Something went wrong', code: 'INTERNAL_ERROR' }] });
    expect(lines.some((line) => line.msg === 'Unhandled error while handling request')).toBe(true);
  });

  it('when something that is not an Error is thrown, then the answer is a generic 500', async () => {
    const { app } = buildApp((app) => {
      app.get('/string', () => {
        throw 'a bare string';
      });
    });

    const res = await request(app).get('/string');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ errors: [{ message: 'Something went wrong', code: 'INTERNAL_ERROR' }] });
  });

  it('when an http-errors style 4xx of an unknown type is thrown, then its status is kept with the standard reason', async () => {
    const { app } = buildApp((app) => {
      app.get('/teapot', () => {
        throw Object.assign(new Error('internal detail'), { statusCode: 418, type: 'brew.failed' });
      });
    });

    const res = await request(app).get('/teapot');

    expect(res.status).toBe(418);
    expect(res.body).toEqual({ errors: [{ message: "I'm a Teapot", code: 'BAD_REQUEST' }] });
  });

  it('when an error arrives after the headers were sent, then it is left to Express, which ends the connection', async () => {
    const { app, lines } = buildApp((app) => {
      app.get('/stream', (_req, res, next) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('partial');
        next(new Error('stream broke'));
      });
    });

    await expect(request(app).get('/stream')).rejects.toThrow();
    expect(lines.some((line) => line.msg === 'Unhandled error while handling request')).toBe(false);
  });

  it('when used in an app without httpLogger, then an unknown error still answers a generic 500', async () => {
    const previousLevel = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'silent';
    const app = express();
    app.get('/boom', () => {
      throw new Error('no logger here');
    });
    app.use(errorHandler);

    try {
      const res = await request(app).get('/boom');

      expect(res.status).toBe(500);
      expect(res.body).toEqual({ errors: [{ message: 'Something went wrong', code: 'INTERNAL_ERROR' }] });
    } finally {
      process.env.LOG_LEVEL = previousLevel;
    }
  });
});
