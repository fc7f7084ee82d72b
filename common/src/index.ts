/**
 * @ticketing/common: what every Ticketing service shares — errors and middlewares, the HTTP app
 * factory, the event catalog and its published contracts (AsyncAPI, OpenAPI), JetStream messaging, the database factory with its outbox,
 * configuration, logging, the Redis connection and the supported currencies. Test helpers live in
 * `@ticketing/common/testing`.
 */
export * from './api';
export * from './config';
export * from './contracts';
export * from './db';
export * from './errors';
export * from './events';
export * from './http';
export * from './logging';
export * from './messaging';
export * from './money';
export * from './redis';
export * from './service';
export * from './sessions';
