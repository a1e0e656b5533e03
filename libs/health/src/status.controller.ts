import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { INITIAL_PHASE, MissionPhaseService } from '@astra/anomaly';
import { ObservabilitySnapshot, ObservabilityState } from '@astra/observability';
import { ACCESS_MODE, AccessMode } from '@astra/security';
import { FallbackModeName } from '@astra/reliability';
import { MissionPhase } from '@astra/storage';
import { ReliabilityHealthIndicator, StoreHealthIndicator } from './health-indicators';

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
  /** primary | degraded | safe (see docs/reliability.md). */
  fallback_mode: FallbackModeName;
  mission_phases: Record<string, MissionPhase>;
  /** `mode: open` means no API keys are configured: anyone may call, admin routes are disabled. */
  access: AccessMode;
  /** Which observability pillars are on (metrics, tracing, log level). */
  observability: ObservabilitySnapshot;
  components: Record<string, Record<string, unknown>>;
}

@ApiTags('status')
@Controller('api/v1/status')
export class StatusController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly store: StoreHealthIndicator,
    private readonly phases: MissionPhaseService,
    private readonly reliability: ReliabilityHealthIndicator,
    @Inject(ACCESS_MODE) private readonly access: AccessMode,
    private readonly observability: ObservabilityState,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Service status, component health, uptime and mission phase per instance' })
  async status(): Promise<ServiceStatus> {
    const storeHealth = (await this.store.check()).store;
    const reliability = this.reliability.check().reliability;
    const phases = await this.phases.all();
    const missionPhases = Object.fromEntries(phases.map((record) => [record.instance_id, record.phase]));
    return {
      status: storeHealth.status === 'up' && reliability.mode === 'primary' ? 'operational' : 'degraded',
      fallback_mode: reliability.mode as FallbackModeName,
      service: this.config.serviceName,
      version: this.config.serviceVersion,
      environment: this.config.nodeEnv,
      uptime_seconds: Math.round((Date.now() - STARTED_AT) / 1000),
      timestamp: new Date().toISOString(),
      mission_phase: missionPhases.default ?? INITIAL_PHASE,
      mission_phases: missionPhases,
      access: this.access,
      observability: this.observability.snapshot(),
      components: { store: storeHealth, detector: { status: 'up' }, reliability },
    };
  }
}
