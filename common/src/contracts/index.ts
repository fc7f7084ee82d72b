export * from './asyncapi';
export * from './json-schema';
export * from './observer';
export * from './openapi';
