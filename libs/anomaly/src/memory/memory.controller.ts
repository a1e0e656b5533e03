import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ANOMALY_MEMORY } from '../detection.service';
import { AnomalyMemory, MemoryStats } from './anomaly-memory';

@ApiTags('anomaly memory')
@Controller('api/v1/memory')
export class MemoryController {
  constructor(@Inject(ANOMALY_MEMORY) private readonly memory: AnomalyMemory) {}

  @Get('stats')
  @ApiOperation({ summary: 'Recurring-anomaly memory: size, hits, and the most recurrent fault signatures' })
  stats(): MemoryStats {
    return this.memory.stats();
  }
}
