import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@astra/config';
import { HealthModule } from '@astra/health';
import { HttpEdgeModule } from '@astra/http';
import { ObservabilityModule, ObservabilityOptions } from '@astra/observability';
import { ReliabilityModule } from '@astra/reliability';
import { SecurityModule } from '@astra/security';
import { StorageModule } from '@astra/storage';
import { TelemetryModule } from '@astra/telemetry';

/** The service: capability modules composed, nothing else. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, observability: ObservabilityOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), ObservabilityModule.forRoot(observability), ReliabilityModule, StorageModule.forRoot(), HttpEdgeModule, SecurityModule, TelemetryModule, HealthModule],
    };
  }
}
