export * from './asyncapi';
export * from './json-schema';
