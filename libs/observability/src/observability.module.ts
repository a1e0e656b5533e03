import { DynamicModule, Global, INestApplication, MiddlewareConsumer, Module, NestModule, OnApplicationShutdown, OnModuleInit, RequestMethod } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { Logger as NestPinoLogger, LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { collectDefaultMetrics, register } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { ObservabilityAdminController } from './admin/observability-admin.controller';
import { enterRequestContext, RequestObserver } from './http/request-observer';
import { AccessLog } from './logging/access-log';
import { createRootLogger, ROOT_LOGGER } from './logging/root-logger';
import { HttpMetrics, httpMetricProviders } from './metrics/http-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsExposition } from './metrics/metrics-exposition';
import { MetricsServer } from './metrics/metrics-server';
import { ObservabilityState } from './observability-state';
import { flushTracing } from './tracing/tracing-state';

export interface ObservabilityOptions {
  /** Where log lines go (stdout by default); tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

/**
 * Metrics (prom-client registry, /metrics, HTTP and Node runtime metrics), logs (pino through
 * nestjs-pino) and the Nest side of tracing (the SDK itself starts before Nest, see tracing/sdk.ts).
 * Global so every module can log, and the status page can show the switches.
 */
@Global()
@Module({})
export class ObservabilityModule implements NestModule, OnModuleInit, OnApplicationShutdown {
  static forRoot(options: ObservabilityOptions = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [
        PrometheusModule.register({ controller: MetricsController, defaultMetrics: { enabled: false }, global: true }),
        LoggerModule.forRootAsync({ inject: [ROOT_LOGGER], useFactory: (logger: Logger) => ({ pinoHttp: { logger }, useExisting: true }) }),
      ],
      controllers: [ObservabilityAdminController],
      providers: [
        { provide: ROOT_LOGGER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createRootLogger(config, options.logDestination) },
        { provide: AccessLog, inject: [ROOT_LOGGER, APP_CONFIG], useFactory: (logger: Logger, config: AppConfig) => new AccessLog(logger, config) },
        ObservabilityState,
        ...httpMetricProviders,
        HttpMetrics,
        RequestObserver,
        MetricsExposition,
        MetricsServer,
      ],
      exports: [ROOT_LOGGER, ObservabilityState, MetricsExposition],
    };
  }

  /** After body parsing (Nest middleware runs after the app-level ones): the request's work runs under its server span. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(enterRequestContext).forRoutes({ path: '*', method: RequestMethod.ALL });
  }

  /** Node runtime metrics, registered once per process (several apps may share it under jest). */
  onModuleInit(): void {
    if (!register.getSingleMetric('nodejs_eventloop_lag_seconds')) collectDefaultMetrics();
  }

  /** Spans of the last requests are exported before the process goes. */
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}

/**
 * Wires the request instrumentation into the Express app, first in line (before body parsing, so
 * refused bodies are observed too), and makes pino Nest's logger. Call right after NestFactory.create.
 */
export function applyObservability(app: INestApplication): void {
  app.useLogger(app.get(NestPinoLogger));
  // Nest flushes the start-up buffer only on listen(); apps that are only init()ed (tests) would buffer forever.
  app.flushLogs();
  const observer = app.get(RequestObserver);
  observer.watchConnections(app.getHttpServer());
  app.use(observer.middleware);
}
