import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedRequest, RequireRole } from '@astra/security';
import { ChaosExperiment, ChaosService, ExperimentSpec } from './chaos.service';
import { CreateExperimentDto, LEGACY_FAULT_TYPES, LegacyInjectDto } from './chaos.dto';

/** What each original fault type became. */
const LEGACY_EXPERIMENTS: Record<(typeof LEGACY_FAULT_TYPES)[number], Omit<ExperimentSpec, 'ttl_seconds'>> = {
  network_latency: { target: 'redis', fault: 'latency', latency_min_ms: 100, latency_max_ms: 1000, probability: 1 },
  model_loader: { target: 'detector', fault: 'exception', probability: 1 },
  redis_failure: { target: 'redis', fault: 'error', error_rate: 1, probability: 1 },
};

@ApiTags('chaos')
@ApiForbiddenResponse({ description: 'Not an admin key, or chaos is disabled (CHAOS_ENABLED) or refused in production' })
@RequireRole('admin')
@Controller('api/v1/chaos')
export class ChaosController {
  constructor(private readonly chaos: ChaosService) {}

  @Post('experiments')
  @HttpCode(201)
  @ApiOperation({ summary: 'Start a chaos experiment (fault injected at a dependency boundary until ttl_seconds)' })
  create(@Body() body: CreateExperimentDto, @Req() req: AuthenticatedRequest): ChaosExperiment {
    return this.chaos.create({ ...body, probability: body.probability ?? 1 }, { keyId: req.principal?.keyId });
  }

  @Get('experiments')
  @ApiOperation({ summary: 'Active chaos experiments' })
  list(): ChaosExperiment[] {
    this.chaos.assertEnabled();
    return this.chaos.list();
  }

  @Delete('experiments/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End one experiment' })
  remove(@Param('id', new ParseUUIDPipe()) id: string, @Req() req: AuthenticatedRequest): void {
    this.chaos.delete(id, { keyId: req.principal?.keyId });
  }

  @Delete('experiments')
  @ApiOperation({ summary: 'End every experiment' })
  removeAll(@Req() req: AuthenticatedRequest): { deleted: number } {
    return { deleted: this.chaos.deleteAll({ keyId: req.principal?.keyId }) };
  }

  @Post('inject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Original API: inject network_latency, model_loader or redis_failure for duration_seconds' })
  inject(@Body() body: LegacyInjectDto, @Req() req: AuthenticatedRequest) {
    const experiment = this.chaos.create({ ...LEGACY_EXPERIMENTS[body.fault_type], ttl_seconds: body.duration_seconds }, { keyId: req.principal?.keyId });
    return { status: 'injected', fault_type: body.fault_type, duration_seconds: body.duration_seconds, experiment_id: experiment.id, expires_at: experiment.expires_at };
  }

  @Get('status')
  @ApiOperation({ summary: 'Original API: whether chaos is on and what is active' })
  status() {
    this.chaos.assertEnabled();
    const experiments = this.chaos.list();
    return { chaos_enabled: true, active: experiments.length > 0, active_experiments: experiments };
  }
}
