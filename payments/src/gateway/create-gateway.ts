import type { Logger } from '@ticketing/common';
import type { Config } from '../config';
import { type BreakerOptions, CircuitBreakerGateway } from './breaker.gateway';
import { SandboxGateway } from './sandbox.gateway';
import { StripeGateway } from './stripe.gateway';

export interface CreateGatewayOptions {
  breaker?: BreakerOptions;
  /** Passed to the Stripe SDK (default 2). */
  maxNetworkRetries?: number;
}

/**
 * The gateway the configuration asks for, behind the circuit breaker: Stripe when STRIPE_KEY is
 * set, otherwise the offline sandbox, announced loudly at start-up.
 */
export function createGateway(
  config: Pick<Config, 'STRIPE_KEY' | 'STRIPE_API_URL' | 'GATEWAY_TIMEOUT_MS'>,
  logger: Logger,
  options: CreateGatewayOptions = {},
): CircuitBreakerGateway {
  if (!config.STRIPE_KEY) {
    logger.warn(
      'payments run in SANDBOX mode: STRIPE_KEY is not set, Stripe test tokens (tok_visa, …) are simulated locally and no money moves',
    );
    return new CircuitBreakerGateway(new SandboxGateway(), options.breaker, logger);
  }
  const gateway = new StripeGateway({
    apiKey: config.STRIPE_KEY,
    apiUrl: config.STRIPE_API_URL,
    timeoutMs: config.GATEWAY_TIMEOUT_MS,
    maxNetworkRetries: options.maxNetworkRetries,
  });
  logger.info(
    { mode: config.STRIPE_KEY.includes('_live_') ? 'live' : 'test', apiUrl: config.STRIPE_API_URL ?? 'api.stripe.com' },
    'payments use Stripe',
  );
  return new CircuitBreakerGateway(gateway, options.breaker, logger);
}
