import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsInt, IsNumber, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { INSTANCE_ID_RULE, IsOptionalInstanceId } from '@astra/anomaly';
import { HasAnyChannel, IsChannelMap, IsTimestamp, NAMED_CHANNELS } from './telemetry-validators';

const FINITE = { allowNaN: false, allowInfinity: false };
const range = (name: keyof typeof NAMED_CHANNELS) => NAMED_CHANNELS[name];
const describe = (name: keyof typeof NAMED_CHANNELS) => {
  const { min, max, unit } = range(name);
  const bounds = Number.isFinite(min) && Number.isFinite(max) ? `${min}–${max}` : Number.isFinite(min) ? `≥ ${min}` : 'any finite value';
  return `${unit}, ${bounds}`;
};

/**
 * One telemetry frame. Numbers sent as strings are rejected, not coerced.
 * Decorators run bottom-up and only the first failure per field is reported, so type checks sit last.
 */
export class TelemetryFrameDto {
  @ApiPropertyOptional({ example: 'rover-7', default: 'default', description: INSTANCE_ID_RULE })
  @IsOptionalInstanceId()
  instance_id?: string;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string', format: 'date-time' }, { type: 'integer', description: 'epoch milliseconds' }],
    example: '2026-11-21T10:15:00Z',
    description: 'Reading time: ISO-8601 or epoch ms; defaults to the receive time. Historical replays are allowed.',
  })
  @IsTimestamp()
  timestamp?: string | number;

  @ApiPropertyOptional({ example: 28.4, description: describe('voltage') })
  @IsOptional() @Min(0) @Max(50) @IsNumber(FINITE)
  voltage?: number;

  @ApiPropertyOptional({ example: 21.5, description: describe('temperature') })
  @IsOptional() @Min(-100) @Max(150) @IsNumber(FINITE)
  temperature?: number;

  @ApiPropertyOptional({ example: 0.02, description: describe('gyro') })
  @IsOptional() @IsNumber(FINITE)
  gyro?: number;

  @ApiPropertyOptional({ example: 1.2, description: describe('current') })
  @IsOptional() @Min(0) @IsNumber(FINITE)
  current?: number;

  @ApiPropertyOptional({ example: 120, description: describe('wheel_speed') })
  @IsOptional() @Min(0) @IsNumber(FINITE)
  wheel_speed?: number;

  @ApiPropertyOptional({ example: 35, description: describe('cpu_usage') })
  @IsOptional() @Min(0) @Max(100) @IsNumber(FINITE)
  cpu_usage?: number;

  @ApiPropertyOptional({ example: 48, description: describe('memory_usage') })
  @IsOptional() @Min(0) @Max(100) @IsNumber(FINITE)
  memory_usage?: number;

  @ApiPropertyOptional({ description: describe('network_latency') })
  @IsOptional() @Min(0) @IsNumber(FINITE)
  network_latency?: number;

  @ApiPropertyOptional({ description: describe('disk_io') })
  @IsOptional() @Min(0) @IsNumber(FINITE)
  disk_io?: number;

  @ApiPropertyOptional({ description: describe('error_rate') })
  @IsOptional() @Min(0) @IsNumber(FINITE)
  error_rate?: number;

  @ApiPropertyOptional({ description: describe('response_time') })
  @IsOptional() @Min(0) @IsNumber(FINITE)
  response_time?: number;

  @ApiPropertyOptional({ description: 'integer ≥ 0' })
  @IsOptional() @Min(0) @IsInt()
  active_connections?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { battery_soc: 87.5 },
    description: 'Up to 64 extra channels: name ([a-z0-9_.], 1–64 chars) to a finite number',
  })
  @HasAnyChannel()
  @IsChannelMap()
  channels?: Record<string, number>;
}

export class TelemetryBatchDto {
  @ApiProperty({ type: [TelemetryFrameDto], description: '1 to MAX_BATCH frames, processed in order' })
  @ValidateNested({ each: true })
  @Type(() => TelemetryFrameDto)
  @ArrayMinSize(1)
  @IsArray()
  telemetry: TelemetryFrameDto[];
}
