import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AnomalyModule } from '@astra/anomaly';
import { HealthController } from './health.controller';
import { EventLoopHealthIndicator, StoreHealthIndicator } from './health-indicators';
import { StatusController } from './status.controller';

/** Probes (/health/live, /health/ready, /health) and the service status page. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }), AnomalyModule],
  controllers: [HealthController, StatusController],
  providers: [StoreHealthIndicator, EventLoopHealthIndicator],
})
export class HealthModule {}
