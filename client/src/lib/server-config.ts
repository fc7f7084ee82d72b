/**
 * Where the server side of the app reaches the services: the gateway locally, the Ingress
 * controller in Kubernetes. Read at request time (not at build time), so one image fits every
 * environment.
 */
export function apiBaseUrl(): string {
  const value = process.env.API_URL?.trim() || 'http://127.0.0.1:3000';
  return value.replace(/\/+$/, '');
}

/** Stripe's publishable key, when real Stripe Elements should collect cards; null in the sandbox. */
export function stripePublishableKey(): string | null {
  return process.env.STRIPE_PUBLISHABLE_KEY?.trim() || null;
}
