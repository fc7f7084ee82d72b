export * from './admin';
export * from './connect';
export * from './health';
export * from './listener';
export * from './publisher';
export * from './retry-later-error';
export * from './stream';
