export * from './currencies';
export * from './event-currency';
export * from './fees';
