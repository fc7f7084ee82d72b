export * from './auth';
export * from './fields';
export * from './operation';
export * from './orders';

import { authApi } from './auth';
import { ordersApi } from './orders';

/** Every service API whose operations are defined here (their OpenAPI documents). */
export const SERVICE_APIS = [ordersApi, authApi] as const;
