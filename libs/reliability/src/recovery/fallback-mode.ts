import { Inject, Injectable } from '@nestjs/common';
import { AlertNotifier } from '../alerts/alert-notifier';
import { REDIS_DEPENDENCY, WEBHOOK_DEPENDENCY } from '../dependencies';
import { RedisFallback } from '../journal/redis-fallback';
import { BreakerStateName, GuardedDependency } from '../policies/guarded-dependency';

export const FALLBACK_MODES = ['primary', 'degraded', 'safe'] as const;
export type FallbackModeName = (typeof FALLBACK_MODES)[number];

export interface ReliabilityReport {
  mode: FallbackModeName;
  breakers: Record<string, BreakerStateName>;
  journal?: { entries: number; bytes: number; capacity_bytes: number };
  parked_alerts: number;
}

/**
 * primary: every dependency healthy. degraded: the service answers but something is impaired
 * (Redis away or its journal not yet replayed, the webhook away or alerts parked).
 * safe: the journal is full, so telemetry writes are refused with 503 until replay makes room.
 */
@Injectable()
export class FallbackMode {
  constructor(
    private readonly fallback: RedisFallback,
    private readonly alerts: AlertNotifier,
    @Inject(REDIS_DEPENDENCY) private readonly redis: GuardedDependency,
    @Inject(WEBHOOK_DEPENDENCY) private readonly webhook: GuardedDependency,
  ) {}

  current(): FallbackModeName {
    const store = this.fallback.store;
    if (store?.refusingWrites) return 'safe';
    const redisImpaired = store !== undefined && (store.journal.entries > 0 || this.redis.currentState !== 'closed' || store.redis.connectionStatus !== 'ready');
    const webhookImpaired = this.webhook.currentState !== 'closed' || this.alerts.parkedCount > 0;
    return redisImpaired || webhookImpaired ? 'degraded' : 'primary';
  }

  report(): ReliabilityReport {
    const store = this.fallback.store;
    return {
      mode: this.current(),
      breakers: { redis: this.redis.currentState, webhook: this.webhook.currentState },
      ...(store ? { journal: { entries: store.journal.entries, bytes: store.journal.bytes, capacity_bytes: store.journal.maxBytes } } : {}),
      parked_alerts: this.alerts.parkedCount,
    };
  }
}
