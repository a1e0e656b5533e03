import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { LogLevel } from '@astra/config';

export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class LogLevelDto {
  @ApiProperty({ enum: LOG_LEVELS })
  @IsIn(LOG_LEVELS)
  level!: LogLevel;
}

export class ObservabilitySwitchDto {
  @ApiPropertyOptional({ description: 'Record HTTP metrics and serve /metrics' })
  @IsOptional()
  @IsBoolean()
  metrics?: boolean;

  @ApiPropertyOptional({ description: 'Record spans (needs the SDK started at boot)' })
  @IsOptional()
  @IsBoolean()
  tracing?: boolean;
}
