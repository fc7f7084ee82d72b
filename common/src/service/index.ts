export * from './open-event-service';
export * from './serve';
