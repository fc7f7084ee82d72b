export * from './fields';
export * from './operation';
export * from './orders';
export * from './payments';

import { ordersApi } from './orders';
import { paymentsApi } from './payments';

/** Every service API whose operations are defined here (their OpenAPI documents). */
export const SERVICE_APIS = [ordersApi, paymentsApi] as const;
