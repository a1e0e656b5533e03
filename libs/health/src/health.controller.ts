import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, MemoryHealthIndicator } from '@nestjs/terminus';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { Public } from '@astra/security';
import { EventLoopHealthIndicator, StoreHealthIndicator } from './health-indicators';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly memory: MemoryHealthIndicator,
    private readonly store: StoreHealthIndicator,
    private readonly eventLoop: EventLoopHealthIndicator,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process is up and its event loop turns' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the store answers, heap and event-loop delay are within limits' })
  @ApiServiceUnavailableResponse({ description: 'A required dependency is down' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.readinessChecks());
  }

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Full health report' })
  full(): Promise<HealthCheckResult> {
    return this.health.check([...this.readinessChecks(), () => this.memory.checkRSS('memory_rss', this.config.readinessHeapLimitBytes * 2)]);
  }

  private readinessChecks() {
    return [() => this.store.check(), () => this.memory.checkHeap('memory_heap', this.config.readinessHeapLimitBytes), () => this.eventLoop.check()];
  }
}
