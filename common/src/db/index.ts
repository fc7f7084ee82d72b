export * from './create-database';
export * from './optimistic';
export * from './outbox';
export * from './outbox-metrics';
export * from './outbox-relay';
export * from './prepared';
export * from './retention';
export * from './session-revocations';
