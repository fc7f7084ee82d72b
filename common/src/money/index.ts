export * from './currencies';
export * from './event-currency';
