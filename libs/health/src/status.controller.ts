import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { INITIAL_PHASE, MissionPhaseService } from '@astra/anomaly';
import { MissionPhase } from '@astra/storage';
import { StoreHealthIndicator } from './health-indicators';

const STARTED_AT = Date.now();

export interface ServiceStatus {
  status: 'operational' | 'degraded';
  service: string;
  version: string;
  environment: string;
  uptime_seconds: number;
  timestamp: string;
  /** Phase of the `default` instance, as the original API reported it. */
  mission_phase: MissionPhase;
  mission_phases: Record<string, MissionPhase>;
  components: Record<string, Record<string, unknown>>;
}

@ApiTags('status')
@Controller('api/v1/status')
export class StatusController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: StoreHealthIndicator,
    private readonly phases: MissionPhaseService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Service status, component health, uptime and mission phase per instance' })
  async status(): Promise<ServiceStatus> {
    const storeHealth = (await this.store.check()).store;
    const phases = await this.phases.all();
    const missionPhases = Object.fromEntries(phases.map((record) => [record.instance_id, record.phase]));
    return {
      status: storeHealth.status === 'up' ? 'operational' : 'degraded',
      service: this.config.serviceName,
      version: this.config.serviceVersion,
      environment: this.config.nodeEnv,
      uptime_seconds: Math.round((Date.now() - STARTED_AT) / 1000),
      timestamp: new Date().toISOString(),
      mission_phase: missionPhases.default ?? INITIAL_PHASE,
      mission_phases: missionPhases,
      components: { store: storeHealth, detector: { status: 'up' } },
    };
  }
}
