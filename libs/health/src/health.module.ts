import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AnomalyModule } from '@astra/anomaly';
import { SecurityModule } from '@astra/security';
import { HealthController } from './health.controller';
import { EventLoopHealthIndicator, ReliabilityHealthIndicator, StoreHealthIndicator } from './health-indicators';
import { StatusController } from './status.controller';

/** Probes (/health/live, /health/ready, /health) and the service status page. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }), AnomalyModule, SecurityModule],
  controllers: [HealthController, StatusController],
  providers: [StoreHealthIndicator, EventLoopHealthIndicator, ReliabilityHealthIndicator],
})
export class HealthModule {}
