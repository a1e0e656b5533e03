import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CHAOS_FAULTS, CHAOS_TARGETS, ChaosFault, ChaosTarget } from './fault-injector';

export class CreateExperimentDto {
  @ApiProperty({ enum: CHAOS_TARGETS })
  @IsIn(CHAOS_TARGETS)
  target: ChaosTarget;

  @ApiPropertyOptional({ description: 'Route template, for target http', example: '/api/v1/telemetry' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^\/[A-Za-z0-9/_:.-]*$/, { message: 'route must be a route template such as /api/v1/telemetry' })
  route?: string;

  @ApiProperty({ enum: CHAOS_FAULTS })
  @IsIn(CHAOS_FAULTS)
  fault: ChaosFault;

  @ApiPropertyOptional({ description: 'For fault latency: least added delay (ms)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600000)
  latency_min_ms?: number;

  @ApiPropertyOptional({ description: 'For fault latency: most added delay (ms)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600000)
  latency_max_ms?: number;

  @ApiPropertyOptional({ description: 'For fault error: share of touched calls that fail (0–1)', default: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  error_rate?: number;

  @ApiPropertyOptional({ description: 'Share of calls the experiment touches (0–1)', default: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  probability?: number;

  @ApiProperty({ description: 'Lifetime in seconds; capped by CHAOS_MAX_TTL_SECONDS' })
  @IsInt()
  @Min(1)
  ttl_seconds: number;
}

/** The original API's fault injection, kept for compatibility. */
export const LEGACY_FAULT_TYPES = ['network_latency', 'model_loader', 'redis_failure'] as const;

export class LegacyInjectDto {
  @ApiProperty({ enum: LEGACY_FAULT_TYPES })
  @IsIn(LEGACY_FAULT_TYPES)
  fault_type: (typeof LEGACY_FAULT_TYPES)[number];

  @ApiProperty({ description: 'How long the fault lasts' })
  @IsInt()
  @Min(1)
  duration_seconds: number;
}
