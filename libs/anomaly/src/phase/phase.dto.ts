import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MISSION_PHASES, MissionPhase } from '@astra/storage';

export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const INSTANCE_ID_RULE = '1–64 characters of A–Z a–z 0–9 . _ : -';

/** Validation of the optional `instance_id` every vehicle-scoped request may carry. */
export const IsOptionalInstanceId = () =>
  applyDecorators(IsOptional(), IsString(), Matches(INSTANCE_ID_PATTERN, { message: `instance_id must be ${INSTANCE_ID_RULE}` }));

export class PhaseChangeDto {
  @ApiPropertyOptional({ example: 'rover-7', default: 'default', description: INSTANCE_ID_RULE })
  @IsOptionalInstanceId()
  instance_id?: string;

  @ApiProperty({ enum: MISSION_PHASES, example: 'PAYLOAD_OPS' })
  @IsIn(MISSION_PHASES as unknown as string[], { message: `phase must be one of ${MISSION_PHASES.join(', ')}` })
  phase: MissionPhase;

  @ApiPropertyOptional({ default: false, description: 'Only for SAFE_MODE: enter it from any phase.' })
  @IsOptional()
  @IsBoolean()
  force?: boolean;

  @ApiPropertyOptional({ example: 'Payload window opened', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class PhaseQueryDto {
  @ApiPropertyOptional({ example: 'rover-7', description: `${INSTANCE_ID_RULE}; omit to list every instance` })
  @IsOptionalInstanceId()
  instance_id?: string;
}
