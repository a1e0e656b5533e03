import { Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SeverityLevel, STORE, Store, StoredAnomaly } from '@astra/storage';
import { AnomalyResponseDto } from './dto/anomaly-response.dto';
import { AnomalyHistoryQueryDto } from './dto/query.dto';
import { parseTimestamp } from './dto/telemetry-validators';

const DEFAULT_LIMIT = 100;

@ApiTags('anomalies')
@Controller('api/v1')
export class HistoryController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get('history/anomalies')
  @ApiOperation({ summary: 'Anomaly history, newest first (bounded by ANOMALY_RETENTION_COUNT / _SECONDS)' })
  @ApiOkResponse({ type: [AnomalyResponseDto] })
  async history(@Query() query: AnomalyHistoryQueryDto): Promise<{ count: number; anomalies: StoredAnomaly[] }> {
    const severity = query.severity_min;
    const anomalies = await this.store.queryAnomalies({
      instanceId: query.instance_id,
      startTime: query.start_time === undefined ? undefined : parseTimestamp(query.start_time),
      endTime: query.end_time === undefined ? undefined : parseTimestamp(query.end_time),
      severityMin: severity === undefined ? undefined : /^[A-Z]+$/.test(severity) ? (severity as SeverityLevel) : Number(severity),
      anomalyType: query.anomaly_type,
      limit: query.limit ?? DEFAULT_LIMIT,
    });
    return { count: anomalies.length, anomalies };
  }

  @Get('anomalies/:id')
  @ApiOperation({ summary: 'One anomaly, with any operator feedback' })
  @ApiOkResponse({ type: AnomalyResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown or expired anomaly id' })
  async one(@Param('id') id: string): Promise<StoredAnomaly> {
    // Anomaly ids are UUIDs we issued; nothing else is worth a store lookup (or reaches a store key).
    const anomaly = isUUID(id, '4') ? await this.store.getAnomaly(id) : undefined;
    if (!anomaly) throw new NotFoundException(`anomaly ${id.slice(0, 64)} not found`);
    return anomaly;
  }
}
