export * from './open-event-service';
export * from './periodic-job';
export * from './serve';
