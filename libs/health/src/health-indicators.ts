import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { FallbackMode } from '@astra/reliability';
import { STORE, Store } from '@astra/storage';

/** How long the store may take to answer a readiness ping. */
const STORE_PING_TIMEOUT_MS = 1000;

@Injectable()
export class StoreHealthIndicator {
  constructor(
    @Inject(STORE) private readonly store: Store,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check() {
    const session = this.indicators.check('store');
    const started = performance.now();
    try {
      await Promise.race([
        this.store.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${STORE_PING_TIMEOUT_MS} ms`)), STORE_PING_TIMEOUT_MS).unref()),
      ]);
      return session.up({ kind: this.store.kind, latency_ms: Math.round((performance.now() - started) * 100) / 100 });
    } catch (error) {
      return session.down({ kind: this.store.kind, message: (error as Error).message });
    }
  }
}

/** p99 event-loop delay over a rolling window: a blocked loop cannot serve. */
@Injectable()
export class EventLoopHealthIndicator implements OnModuleDestroy {
  private readonly histogram = monitorEventLoopDelay({ resolution: 20 });
  private readonly reset = setInterval(() => this.histogram.reset(), 30_000).unref();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly indicators: HealthIndicatorService,
  ) {
    this.histogram.enable();
  }

  check() {
    const p99Ms = this.histogram.count > 0 ? this.histogram.percentile(99) / 1e6 : 0;
    const data = { p99_ms: Math.round(p99Ms * 100) / 100, limit_ms: this.config.readinessEventLoopDelayMs };
    const session = this.indicators.check('event_loop');
    return p99Ms <= this.config.readinessEventLoopDelayMs ? session.up(data) : session.down(data);
  }

  onModuleDestroy(): void {
    clearInterval(this.reset);
    this.histogram.disable();
  }
}

/** Fallback mode and breakers: ready unless in safe mode (the journal is full and writes are refused). */
@Injectable()
export class ReliabilityHealthIndicator {
  constructor(
    private readonly fallback: FallbackMode,
    private readonly indicators: HealthIndicatorService,
  ) {}

  check() {
    const report = this.fallback.report();
    const session = this.indicators.check('reliability');
    return report.mode === 'safe' ? session.down({ ...report }) : session.up({ ...report });
  }
}
