import { Body, Controller, Get, HttpCode, NotFoundException, Post, Query, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPayloadTooLargeResponse, ApiTags, ApiUnprocessableEntityResponse, ApiUnsupportedMediaTypeResponse } from '@nestjs/swagger';
import { StoredFrame } from '@astra/storage';
import { BatchSizePipe } from './batch-size.pipe';
import { AnomalyResponseDto, BatchResponseDto } from './dto/anomaly-response.dto';
import { BatchQueryDto, InstanceQueryDto } from './dto/query.dto';
import { TelemetryBatchDto, TelemetryFrameDto } from './dto/telemetry-frame.dto';
import { FrameOutcomeInterceptor } from './frame-outcome.interceptor';
import { DEFAULT_INSTANCE_ID, TelemetryService } from './telemetry.service';

/** Ready-made bodies for Swagger UI's "Try it out": a nominal frame and one with a power fault. */
const NOMINAL_FRAME = { instance_id: 'rover-7', voltage: 28.4, temperature: 21.5, gyro: 0.02, current: 1.2, wheel_speed: 120 };
const FRAME_EXAMPLES = {
  nominal: { summary: 'A nominal rover frame', value: NOMINAL_FRAME },
  brownout: { summary: 'Bus voltage collapsing (a power fault)', value: { ...NOMINAL_FRAME, voltage: 12.5 } },
  extra_channels: { summary: 'Named and extra channels, with a reading time', value: { instance_id: 'sat-3', timestamp: '2026-11-21T10:15:00Z', voltage: 31.2, channels: { battery_soc: 87.5 } } },
};

@ApiTags('telemetry')
@ApiBadRequestResponse({ description: 'Malformed JSON' })
@ApiUnprocessableEntityResponse({ description: 'Validation failed: one message per offending field' })
@ApiUnsupportedMediaTypeResponse({ description: 'Body is not application/json' })
@ApiPayloadTooLargeResponse({ description: 'Body over the size limit' })
@Controller('api/v1/telemetry')
export class TelemetryController {
  constructor(private readonly telemetry: TelemetryService) {}

  @Post()
  @UseInterceptors(FrameOutcomeInterceptor)
  @HttpCode(200)
  @ApiOperation({ summary: 'Ingest one frame and get its anomaly assessment' })
  @ApiBody({ type: TelemetryFrameDto, examples: FRAME_EXAMPLES })
  @ApiOkResponse({ type: AnomalyResponseDto })
  async ingest(@Body() frame: TelemetryFrameDto): Promise<AnomalyResponseDto> {
    const [response] = await this.telemetry.ingest([frame]);
    return response;
  }

  @Post('batch')
  @UseInterceptors(FrameOutcomeInterceptor)
  @HttpCode(200)
  @ApiOperation({ summary: 'Ingest up to MAX_BATCH frames, processed in order' })
  @ApiBody({
    type: TelemetryBatchDto,
    examples: { two_frames: { summary: 'Two frames of one rover', value: { telemetry: [NOMINAL_FRAME, { ...NOMINAL_FRAME, voltage: 28.3 }] } } },
  })
  @ApiOkResponse({ type: BatchResponseDto })
  async ingestBatch(@Body(BatchSizePipe) batch: TelemetryBatchDto, @Query() query: BatchQueryDto): Promise<BatchResponseDto> {
    const results = await this.telemetry.ingest(batch.telemetry);
    const anomalies = results.filter((result) => result.is_anomaly);
    return {
      total_processed: results.length,
      anomalies_detected: anomalies.length,
      results: query.include === 'anomalies' ? anomalies : results,
    };
  }

  @Get('latest')
  @ApiOperation({ summary: 'The last frame received for an instance' })
  @ApiNotFoundResponse({ description: 'No frame seen for this instance' })
  async latest(@Query() query: InstanceQueryDto): Promise<StoredFrame> {
    const instanceId = query.instance_id ?? DEFAULT_INSTANCE_ID;
    const frame = await this.telemetry.latest(instanceId);
    if (!frame) throw new NotFoundException(`no telemetry received for instance ${instanceId}`);
    return frame;
  }
}
