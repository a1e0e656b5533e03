import { AppConfig } from '@astra/config';
import { FaultInjector } from './chaos/fault-injector';
import { GuardedDependency } from './policies/guarded-dependency';
import { ReliabilityMetrics } from './reliability-metrics';
import { isTransientWebhookError } from './alerts/webhook-errors';

export const REDIS_DEPENDENCY = Symbol('REDIS_DEPENDENCY');
export const WEBHOOK_DEPENDENCY = Symbol('WEBHOOK_DEPENDENCY');

/** Redis replies that say "try again" (loading, busy, failover); any other reply error is a bug, not an outage. */
const TRANSIENT_REPLIES = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN|READONLY)/;

export function isTransientRedisError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ReplyError') return TRANSIENT_REPLIES.test(error.message);
  // Connection refused/reset/closed, stream not writeable, MaxRetriesPerRequestError: the command did not get an answer.
  return true;
}

export function redisDependency(config: AppConfig, faults: FaultInjector, metrics: ReliabilityMetrics): GuardedDependency {
  return new GuardedDependency('redis', config.reliability.redisPolicy, isTransientRedisError, faults, metrics);
}

export function webhookDependency(config: AppConfig, faults: FaultInjector, metrics: ReliabilityMetrics): GuardedDependency {
  return new GuardedDependency('webhook', config.reliability.alertPolicy, isTransientWebhookError, faults, metrics);
}
