export * from './create-service-app';
export * from './current-user';
export * from './error-handler';
export * from './health';
export * from './metrics';
export * from './request-context';
export * from './require-auth';
export * from './validate-request';
