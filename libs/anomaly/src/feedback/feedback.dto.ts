import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { FeedbackLabel } from './feedback-ledger';

export class FeedbackDto {
  @ApiProperty({ example: '3f0e4c1a-9b7d-4c1e-8f3a-2d5b6c7e8f90', description: 'anomaly_id from a telemetry response' })
  @IsUUID('4', { message: 'anomaly_id must be the UUID of an anomaly' })
  anomaly_id: string;

  @ApiProperty({ enum: ['true_positive', 'false_positive'], example: 'false_positive' })
  @IsIn(['true_positive', 'false_positive'], { message: 'label must be true_positive or false_positive' })
  label: FeedbackLabel;

  @ApiPropertyOptional({ example: 'Known thruster firing, expected', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}
