import type { Database, Logger } from '@ticketing/common';
import type { Config } from '../config';
import { type BreakerOptions, CircuitBreakerGateway } from './breaker.gateway';
import { SandboxGateway } from './sandbox.gateway';
import { SandboxWebhooks } from './sandbox-webhooks';
import { StripeGateway } from './stripe.gateway';

export interface CreateGatewayOptions {
  /** The service's database: the sandbox keeps its PaymentIntents there. */
  db: Database;
  logger: Logger;
  /** Where the sandbox delivers its signed events, and the secret it signs them with. */
  sandboxWebhooks?: { url: string; secret: string };
  breaker?: BreakerOptions;
  /** Passed to the Stripe SDK (default 2). */
  maxNetworkRetries?: number;
}

/**
 * The gateway the configuration asks for, behind the circuit breaker: Stripe when STRIPE_KEY is
 * set, otherwise the offline sandbox, announced loudly at start-up (at error level in production,
 * where only PAYMENTS_SANDBOX=true lets it run; see the config).
 */
export function createGateway(
  config: Pick<Config, 'NODE_ENV' | 'STRIPE_KEY' | 'STRIPE_API_URL' | 'GATEWAY_TIMEOUT_MS'>,
  { db, logger, sandboxWebhooks, breaker, maxNetworkRetries }: CreateGatewayOptions,
): CircuitBreakerGateway {
  if (!config.STRIPE_KEY) {
    const announce = config.NODE_ENV === 'production' ? logger.error.bind(logger) : logger.warn.bind(logger);
    announce(
      'payments run in SANDBOX mode: STRIPE_KEY is not set, Stripe test tokens (tok_visa, …) are simulated locally and no money moves',
    );
    const webhooks = sandboxWebhooks ? new SandboxWebhooks({ ...sandboxWebhooks, logger }) : undefined;
    return new CircuitBreakerGateway(new SandboxGateway({ db, webhooks }), breaker, logger);
  }
  const gateway = new StripeGateway({
    apiKey: config.STRIPE_KEY,
    apiUrl: config.STRIPE_API_URL,
    timeoutMs: config.GATEWAY_TIMEOUT_MS,
    maxNetworkRetries,
  });
  logger.info(
    { mode: config.STRIPE_KEY.includes('_live_') ? 'live' : 'test', apiUrl: config.STRIPE_API_URL ?? 'api.stripe.com' },
    'payments use Stripe',
  );
  return new CircuitBreakerGateway(gateway, breaker, logger);
}
