export * from './fields';
export * from './operation';
export * from './orders';
export * from './tickets';

import { ordersApi } from './orders';
import { ticketsApi } from './tickets';

/** Every service API whose operations are defined here (their OpenAPI documents). */
export const SERVICE_APIS = [ordersApi, ticketsApi] as const;
