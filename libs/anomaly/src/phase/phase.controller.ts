import { Body, ConflictException, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MissionPhase, PhaseRecord } from '@astra/storage';
import { MissionPhaseService, PhaseTransitionError } from './mission-phase.service';
import { allowedTransitions } from './phase-transitions';
import { PhaseChangeDto, PhaseQueryDto } from './phase.dto';

type PhaseView = PhaseRecord & { allowed_transitions: readonly MissionPhase[] };

const view = (record: PhaseRecord): PhaseView => ({ ...record, allowed_transitions: allowedTransitions(record.phase) });

@ApiTags('mission phase')
@Controller('api/v1/phase')
export class PhaseController {
  constructor(private readonly phases: MissionPhaseService) {}

  @Get()
  @ApiOperation({ summary: 'Mission phase of one instance, or of every instance with a recorded phase' })
  async get(@Query() query: PhaseQueryDto): Promise<PhaseView | { instances: PhaseView[] }> {
    if (query.instance_id) return view(await this.phases.peek(query.instance_id));
    return { instances: (await this.phases.all()).map(view) };
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the mission phase of an instance (new instances start in NOMINAL_OPS)' })
  @ApiOkResponse({ description: 'The phase after the transition' })
  @ApiConflictResponse({ description: 'The transition is not allowed from the current phase' })
  async change(@Body() body: PhaseChangeDto): Promise<PhaseView> {
    try {
      return view(await this.phases.transition(body.instance_id ?? 'default', body.phase, body.force ?? false, body.reason));
    } catch (error) {
      if (error instanceof PhaseTransitionError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
