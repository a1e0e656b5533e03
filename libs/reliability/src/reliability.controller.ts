import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@astra/security';
import { REDIS_DEPENDENCY, WEBHOOK_DEPENDENCY } from './dependencies';
import { BreakerSnapshot, GuardedDependency } from './policies/guarded-dependency';
import { RecoveryOrchestrator, RecoveryRecord } from './recovery/recovery-orchestrator';

@ApiTags('reliability')
@Controller('api/v1')
export class ReliabilityController {
  private readonly breakers: Map<string, GuardedDependency>;

  constructor(
    @Inject(REDIS_DEPENDENCY) redis: GuardedDependency,
    @Inject(WEBHOOK_DEPENDENCY) webhook: GuardedDependency,
    private readonly recovery: RecoveryOrchestrator,
  ) {
    this.breakers = new Map([redis, webhook].map((dependency) => [dependency.name, dependency]));
  }

  @Get('reliability/breakers')
  @ApiOperation({ summary: 'Circuit breakers: state, window failure and slow-call rates, settings' })
  list(): BreakerSnapshot[] {
    return [...this.breakers.values()].map((breaker) => breaker.snapshot());
  }

  @Post('reliability/breakers/:name/isolate')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Hold a breaker open until reset' })
  isolate(@Param('name') name: string): BreakerSnapshot {
    const breaker = this.breaker(name);
    breaker.isolate();
    return breaker.snapshot();
  }

  @Post('reliability/breakers/:name/reset')
  @HttpCode(200)
  @RequireRole('admin')
  @ApiOperation({ summary: 'Close a breaker and clear its window' })
  reset(@Param('name') name: string): BreakerSnapshot {
    const breaker = this.breaker(name);
    breaker.reset();
    return breaker.snapshot();
  }

  @Get('recovery/history')
  @ApiOperation({ summary: 'Recovery actions, newest first' })
  history(): RecoveryRecord[] {
    return this.recovery.recent();
  }

  private breaker(name: string): GuardedDependency {
    const breaker = this.breakers.get(name);
    if (!breaker) throw new NotFoundException(`no breaker named ${name.slice(0, 40)}; breakers: ${[...this.breakers.keys()].join(', ')}`);
    return breaker;
  }
}
