// The baselines every figure is compared with, run in a child process of its own as the services
// are: a bare Express 5 app with a hello-JSON route and a route doing one INSERT … RETURNING on
// the same PostgreSQL server as the services (a `pg` pool of 10, the services' pool size).
// Also, for diagnosis, the same hello route inside the services' own app factory
// (createServiceApp of @ticketing/common, from COMMON_DIST): logging, metrics, helmet, session.
// Prints `{"port":…,"stackPort":…}` once both listen.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { Pool } from 'pg';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');

const pool = new Pool({ connectionString: databaseUrl, max: 10 });
const ready = pool.query(`create table if not exists baseline_orders (
  id uuid primary key,
  user_id uuid not null,
  ticket_id uuid not null,
  status text not null,
  expires_at timestamptz not null,
  version integer not null default 0,
  created_at timestamptz not null default now()
)`);

const app = express();
app.use(express.json());
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
app.post('/insert', async (req, res) => {
  const { rows } = await pool.query(
    `insert into baseline_orders (id, user_id, ticket_id, status, expires_at)
     values ($1, $2, $3, 'created', now() + interval '15 minutes') returning *`,
    [randomUUID(), randomUUID(), req.body.ticketId],
  );
  res.status(201).json(rows[0]);
});

const portOf = (listening: Server) => {
  const address = listening.address();
  return typeof address === 'object' && address ? address.port : 0;
};
const listen = (app: express.Express) =>
  new Promise<Server>((resolve) => {
    const listening: Server = app.listen(0, '127.0.0.1', () => resolve(listening));
  });

// biome-ignore lint/suspicious/noExplicitAny: the platform's build of common, loaded by path
const common: any = require(process.env.COMMON_DIST ?? '@ticketing/common');
const stack = common.createServiceApp({
  service: 'baseline',
  logger: common.createLogger('baseline', 'info'),
  jwtKey: 'baseline-signing-key-0123456789abcdef',
  routes: (routes: express.Express) => {
    routes.get('/hello', (_req, res) => {
      res.json({ hello: 'world' });
    });
  },
});
// Like the services' logs, the stack's request log lines go to a pipe that is read (and dropped here).
const servers = Promise.all([listen(app), listen(stack), ready]);
void servers.then(([server, stackServer]) => {
  process.stdout.write(`${JSON.stringify({ port: portOf(server), stackPort: portOf(stackServer) })}\n`);
});
process.on('SIGTERM', () => {
  void servers.then((list) => {
    for (const listening of list.slice(0, 2) as Server[]) listening.closeAllConnections();
    return pool.end().then(() => process.exit(0));
  });
});
