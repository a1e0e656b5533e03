import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@astra/config';
import { HealthModule } from '@astra/health';
import { HttpEdgeModule } from '@astra/http';
import { SecurityModule } from '@astra/security';
import { StorageModule } from '@astra/storage';
import { TelemetryModule } from '@astra/telemetry';

/** The service: capability modules composed, nothing else. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), StorageModule.forRoot(), HttpEdgeModule, SecurityModule, TelemetryModule, HealthModule],
    };
  }
}
