import axios from 'axios';

/**
 * The browser's client for the services. Same origin: the gateway (locally) or the Ingress (in
 * Kubernetes) routes /api/users|tickets|orders|payments, so the session cookie goes along.
 */
export const api = axios.create({
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  timeout: 20_000,
});
