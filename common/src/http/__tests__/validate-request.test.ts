import { body, param } from 'express-validator';
import request from 'supertest';
import { validateRequest } from '../validate-request';
import { buildApp } from './test-app';

function ticketsApp() {
  return buildApp((app) => {
    app.post(
      '/tickets',
      body('title')
        .isString()
        .withMessage('Title is required')
        .bail()
        .trim()
        .notEmpty()
        .withMessage('Title is required'),
      body('price').isFloat({ gt: 0 }).withMessage('Price must be greater than 0'),
      validateRequest,
      (req, res) => res.status(201).json({ title: req.body.title, price: req.body.price }),
    );
    app.get(
      '/tickets/:id',
      param('id').isUUID().withMessage('Ticket id must be a UUID'),
      validateRequest,
      (_req, res) => res.json({ ok: true }),
    );
  });
}

describe('validateRequest', () => {
  it('when the body breaks several rules, then the answer is 400 with one item per field', async () => {
    const { app } = ticketsApp();

    const res = await request(app).post('/tickets').send({ title: '   ', price: -5 });

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        { message: 'Title is required', code: 'VALIDATION_FAILED', field: 'title' },
        { message: 'Price must be greater than 0', code: 'VALIDATION_FAILED', field: 'price' },
      ],
    });
  });

  it('when there is no body at all, then the answer is still a 400 naming the fields', async () => {
    const { app } = ticketsApp();

    const res = await request(app).post('/tickets');

    expect(res.status).toBe(400);
    expect(res.body.errors.map((error: { field: string }) => error.field)).toEqual(['title', 'price']);
  });

  it('when a route parameter is invalid, then the field is the parameter name', async () => {
    const { app } = ticketsApp();

    const res = await request(app).get('/tickets/not-a-uuid');

    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [{ message: 'Ticket id must be a UUID', code: 'VALIDATION_FAILED', field: 'id' }],
    });
  });

  it('when the input is valid, then the route runs', async () => {
    const { app } = ticketsApp();

    const res = await request(app).post('/tickets').send({ title: 'Concert', price: 20 });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ title: 'Concert', price: 20 });
  });
});
