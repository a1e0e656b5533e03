import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { getToken } from '@willsoto/nestjs-prometheus';
import { APP_CONFIG } from '@astra/config';
import { REDIS_OPERATION_RUNNER, REDIS_STORE_DECORATOR, RedisOperationRunner, StoreUnavailableError } from '@astra/storage';
import { AlertNotifier } from './alerts/alert-notifier';
import { ChaosRouteInterceptor } from './chaos/chaos-route.interceptor';
import { ChaosController } from './chaos/chaos.controller';
import { ChaosService } from './chaos/chaos.service';
import { FAULT_INJECTOR } from './chaos/fault-injector';
import { REDIS_DEPENDENCY, redisDependency, WEBHOOK_DEPENDENCY, webhookDependency } from './dependencies';
import { RedisFallback } from './journal/redis-fallback';
import { GuardedDependency } from './policies/guarded-dependency';
import { FallbackMode } from './recovery/fallback-mode';
import { RecoveryOrchestrator } from './recovery/recovery-orchestrator';
import { ReliabilityController } from './reliability.controller';
import { ReliabilityMetrics } from './reliability-metrics';
import { RetryAfterInterceptor } from './retry-after.interceptor';

/** Every Redis operation of the store runs under the Redis guard; its failures stay StoreUnavailableError. */
function guardedRunner(redis: GuardedDependency): RedisOperationRunner {
  return async (operation, work) => {
    try {
      return await redis.execute(`redis.${operation}`, () => work());
    } catch (error) {
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(operation, error);
    }
  };
}

/** The @InjectMetric token of astra_telemetry_frames_total, which this module declares for telemetry too. */
const TELEMETRY_FRAMES_METRIC = getToken('astra_telemetry_frames_total');

/**
 * Guards (timeout, retry, breaker, bulkhead) on Redis and the alert webhook, the write journal,
 * outbound alerts, chaos experiments and the recovery orchestrator. Global: the storage module
 * picks up its Redis runner and store decorator, and health, telemetry and anomaly their ports.
 */
@Global()
@Module({
  controllers: [ReliabilityController, ChaosController],
  providers: [
    ReliabilityMetrics,
    { provide: TELEMETRY_FRAMES_METRIC, inject: [ReliabilityMetrics], useFactory: (metrics: ReliabilityMetrics) => metrics.telemetryFrames },
    ChaosService,
    { provide: FAULT_INJECTOR, useExisting: ChaosService },
    { provide: REDIS_DEPENDENCY, inject: [APP_CONFIG, ChaosService, ReliabilityMetrics], useFactory: redisDependency },
    { provide: WEBHOOK_DEPENDENCY, inject: [APP_CONFIG, ChaosService, ReliabilityMetrics], useFactory: webhookDependency },
    { provide: REDIS_OPERATION_RUNNER, inject: [REDIS_DEPENDENCY], useFactory: guardedRunner },
    RedisFallback,
    { provide: REDIS_STORE_DECORATOR, useExisting: RedisFallback },
    AlertNotifier,
    FallbackMode,
    RecoveryOrchestrator,
    { provide: APP_INTERCEPTOR, useClass: RetryAfterInterceptor },
    { provide: APP_INTERCEPTOR, useClass: ChaosRouteInterceptor },
  ],
  exports: [REDIS_OPERATION_RUNNER, REDIS_STORE_DECORATOR, FAULT_INJECTOR, AlertNotifier, FallbackMode, TELEMETRY_FRAMES_METRIC],
})
export class ReliabilityModule {}

