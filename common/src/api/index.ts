export * from './auth';
export * from './events';
export * from './fields';
export * from './operation';
export * from './orders';
export * from './passes';
export * from './payments';
export * from './tickets';
export * from './tickets-service';

import { authApi } from './auth';
import { ordersApi } from './orders';
import { passesApi } from './passes';
import { paymentsApi } from './payments';
import { ticketsApi } from './tickets-service';

/** Every service API whose operations are defined here (their OpenAPI documents). */
export const SERVICE_APIS = [authApi, ticketsApi, ordersApi, paymentsApi, passesApi] as const;
