export * from './contracts';
export * from './nats-server';
export { freePort } from './processes';
export * from './redis-server';
export * from './signin';
export * from './stream-events';
export * from './stripe-stand-in';
export * from './test-database';
export * from './wait-for';
