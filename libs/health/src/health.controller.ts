import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService, MemoryHealthIndicator } from '@nestjs/terminus';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { ACCESS_MODE, AccessMode, Public } from '@astra/security';
import { EventLoopHealthIndicator, ReliabilityHealthIndicator, StoreHealthIndicator } from './health-indicators';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly memory: MemoryHealthIndicator,
    private readonly store: StoreHealthIndicator,
    private readonly eventLoop: EventLoopHealthIndicator,
    private readonly reliability: ReliabilityHealthIndicator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ACCESS_MODE) private readonly access: AccessMode,
    private readonly indicators: HealthIndicatorService,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop turns' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the store answers, not in safe mode, heap and event-loop delay are within limits' })
  @ApiServiceUnavailableResponse({ description: 'A required dependency is down' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.readinessChecks());
  }

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Full health report (includes `access`: whether the service runs open, without API keys)' })
  full(): Promise<HealthCheckResult> {
    return this.health.check([
      ...this.readinessChecks(),
      () => this.memory.checkRSS('memory_rss', this.config.readinessHeapLimitBytes * 2),
      () => this.indicators.check('access').up({ ...this.access }),
    ]);
  }

  private readinessChecks() {
    return [
      () => this.store.check(),
      () => this.reliability.check(),
      () => this.memory.checkHeap('memory_heap', this.config.readinessHeapLimitBytes),
      () => this.eventLoop.check(),
    ];
  }
}
