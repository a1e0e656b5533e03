import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Level, Logger } from 'pino';
import { APP_CONFIG, AppConfig, LogLevel } from '@astra/config';
import { ROOT_LOGGER } from './logging/root-logger';
import { setTracingActive, tracingActive, tracingAvailable } from './tracing/tracing-state';

export interface ObservabilitySnapshot {
  metrics: boolean;
  tracing: boolean;
  /** False when the SDK was not started (TRACING_ENABLED=false, OTEL_TRACES_EXPORTER=none): tracing cannot be switched on. */
  tracing_available: boolean;
  log_level: string;
}

/** The three pillars' switches: METRICS_ENABLED / TRACING_ENABLED / LOG_LEVEL at start, the admin API at runtime. */
@Injectable()
export class ObservabilityState {
  private metrics: boolean;
  /** Exemplars are recorded only once a scraper has asked for OpenMetrics, the one format that carries them. */
  exemplarsWanted = false;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.metrics = config.metricsEnabled;
    setTracingActive(config.tracingEnabled);
  }

  get metricsOn(): boolean {
    return this.metrics;
  }

  /** Applies the given switches; tracing cannot be switched on if the SDK never started. */
  switch(change: { metrics?: boolean; tracing?: boolean }): ObservabilitySnapshot {
    if (change.tracing && !tracingAvailable()) {
      throw new ConflictException('tracing cannot be switched on: the SDK was not started (TRACING_ENABLED=false or OTEL_TRACES_EXPORTER=none); restart with it enabled');
    }
    if (change.metrics !== undefined) this.metrics = change.metrics;
    if (change.tracing !== undefined) setTracingActive(change.tracing);
    return this.snapshot();
  }

  setLogLevel(level: LogLevel): void {
    this.logger.level = level;
  }

  snapshot(): ObservabilitySnapshot {
    return { metrics: this.metrics, tracing: tracingActive(), tracing_available: tracingAvailable(), log_level: this.logger.level as Level | 'silent' };
  }
}
