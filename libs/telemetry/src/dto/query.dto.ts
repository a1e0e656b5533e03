import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min, Validate, ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { ANOMALY_TYPES, INSTANCE_ID_RULE, IsOptionalInstanceId } from '@astra/anomaly';
import { SEVERITY_LEVELS } from '@astra/storage';
import { parseTimestamp } from './telemetry-validators';

/** Query strings carry numbers as text; epoch ms arrive as digits. */
const epochOrIso = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

@ValidatorConstraint({ name: 'isQueryTimestamp' })
class IsQueryTimestamp implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return parseTimestamp(value) !== undefined;
  }
  defaultMessage(args?: ValidationArguments): string {
    return `${args?.property} must be an ISO-8601 date-time or epoch milliseconds`;
  }
}

@ValidatorConstraint({ name: 'isSeverityMin' })
class IsSeverityMin implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    if ((SEVERITY_LEVELS as readonly string[]).includes(value)) return true;
    return /^(0(\.\d+)?|1(\.0+)?)$/.test(value);
  }
  defaultMessage(): string {
    return `severity_min must be one of ${SEVERITY_LEVELS.join(', ')} or a score between 0 and 1`;
  }
}

export class InstanceQueryDto {
  @ApiPropertyOptional({ example: 'rover-7', default: 'default', description: INSTANCE_ID_RULE })
  @IsOptionalInstanceId()
  instance_id?: string;
}

export class BatchQueryDto {
  @ApiPropertyOptional({ enum: ['all', 'anomalies'], default: 'all', description: 'anomalies: return only the anomalous results' })
  @IsOptional()
  @IsIn(['all', 'anomalies'], { message: 'include must be all or anomalies' })
  include?: 'all' | 'anomalies';
}

export class AnomalyHistoryQueryDto extends InstanceQueryDto {
  @ApiPropertyOptional({ example: '2026-11-21T00:00:00Z', description: 'Inclusive lower bound on reading time (ISO-8601 or epoch ms)' })
  @IsOptional()
  @Transform(epochOrIso)
  @Validate(IsQueryTimestamp)
  start_time?: string | number;

  @ApiPropertyOptional({ example: '2026-11-22T00:00:00Z', description: 'Inclusive upper bound on reading time' })
  @IsOptional()
  @Transform(epochOrIso)
  @Validate(IsQueryTimestamp)
  end_time?: string | number;

  @ApiPropertyOptional({ example: 'HIGH', description: `${SEVERITY_LEVELS.join(' | ')}, or a severity score in [0,1]` })
  @IsOptional()
  @Validate(IsSeverityMin)
  severity_min?: string;

  @ApiPropertyOptional({ enum: ANOMALY_TYPES.filter((t) => t !== 'normal') })
  @IsOptional()
  @IsIn(ANOMALY_TYPES.filter((t) => t !== 'normal'), { message: 'anomaly_type must be a known fault type' })
  anomaly_type?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value))
  @Min(1)
  @Max(1000)
  @IsInt({ message: 'limit must be a whole number' })
  limit?: number;
}
