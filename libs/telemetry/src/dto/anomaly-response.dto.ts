import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANOMALY_TYPES, AnomalyType, EscalationLevel } from '@astra/anomaly';
import { MISSION_PHASES, MissionPhase, SEVERITY_LEVELS, SeverityLevel } from '@astra/storage';

/** What the service concludes about one frame (the original AstraGuard AnomalyResponse, plus ids). */
export class AnomalyResponseDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Present when is_anomaly; use it for feedback and GET /api/v1/anomalies/:id' })
  anomaly_id?: string;

  @ApiProperty({ format: 'uuid', description: 'Id of the stored frame' })
  frame_id: string;

  @ApiProperty({ example: 'rover-7' })
  instance_id: string;

  @ApiProperty({ example: true })
  is_anomaly: boolean;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.93 })
  anomaly_score: number;

  @ApiProperty({ enum: ANOMALY_TYPES, example: 'power_fault' })
  anomaly_type: AnomalyType;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.71 })
  severity_score: number;

  @ApiProperty({ enum: SEVERITY_LEVELS, example: 'HIGH' })
  severity_level: SeverityLevel;

  @ApiProperty({ enum: MISSION_PHASES, example: 'NOMINAL_OPS' })
  mission_phase: MissionPhase;

  @ApiProperty({ example: 'POWER_LOAD_SHEDDING' })
  recommended_action: string;

  @ApiProperty({ enum: ['NONE', 'LOG_ONLY', 'NOTIFY_OPERATOR', 'ALERT_MISSION_CONTROL', 'EMERGENCY'], example: 'ALERT_MISSION_CONTROL' })
  escalation_level: EscalationLevel;

  @ApiProperty({ description: 'Whether the mission phase allows acting on this severity', example: true })
  is_allowed: boolean;

  @ApiProperty({ type: [String], example: ['LOG', 'NOTIFY_OPERATOR', 'POWER_LOAD_SHEDDING'] })
  allowed_actions: string[];

  @ApiProperty({ example: false })
  should_escalate_to_safe_mode: boolean;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.82, description: 'How sure the engine is: low during warm-up and on weak evidence' })
  confidence: number;

  @ApiProperty({ example: 'voltage 18.2 V is 7.4 robust deviations below its recent median 28.1 V' })
  reasoning: string;

  @ApiProperty({ minimum: 0, example: 1, description: 'Occurrences of this fault signature within the memory horizon, this one included' })
  recurrence_count: number;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { voltage: 0.93, temperature: 0.04 } })
  channel_scores: Record<string, number>;

  @ApiProperty({ type: [String], example: ['voltage'], description: 'Channels that drove the score, most important first' })
  triggered_channels: string[];

  @ApiProperty({ format: 'date-time', description: 'Reading time of the frame' })
  timestamp: string;
}

export class BatchResponseDto {
  @ApiProperty({ example: 100 })
  total_processed: number;

  @ApiProperty({ example: 3 })
  anomalies_detected: number;

  @ApiProperty({ type: [AnomalyResponseDto], description: 'One per frame in order, or only the anomalies with ?include=anomalies' })
  results: AnomalyResponseDto[];
}
