import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Span } from 'nestjs-otel';
import { DetectionService, FrameInput } from '@astra/anomaly';
import { DomainEvents } from '@astra/observability';
import { AlertNotifier } from '@astra/reliability';
import { STORE, Store, StoredAnomaly, StoredFrame } from '@astra/storage';
import { AnomalyResponseDto } from './dto/anomaly-response.dto';
import { TelemetryFrameDto } from './dto/telemetry-frame.dto';
import { NAMED_CHANNEL_NAMES, parseTimestamp } from './dto/telemetry-validators';

export const DEFAULT_INSTANCE_ID = 'default';

/** Ingestion: frames in, assessed in order, stored together, answered. */
@Injectable()
export class TelemetryService {
  private readonly logger = new Logger(TelemetryService.name);

  constructor(
    private readonly detection: DetectionService,
    @Inject(STORE) private readonly store: Store,
    private readonly alerts: AlertNotifier,
  ) {}

  @Span('telemetry.ingest', (frames: readonly TelemetryFrameDto[]) => ({ attributes: { 'astra.frame_count': frames.length } }))
  async ingest(frames: readonly TelemetryFrameDto[], receivedAt = Date.now()): Promise<AnomalyResponseDto[]> {
    const inputs = frames.map((frame) => toFrameInput(frame, receivedAt));
    const assessments = await this.detection.assess(inputs);
    const receivedIso = new Date(receivedAt).toISOString();
    const stored: StoredFrame[] = [];
    const anomalies: StoredAnomaly[] = [];
    const responses = inputs.map((input, i) => {
      const timestamp = new Date(input.timestamp).toISOString();
      const frame: StoredFrame = { frame_id: randomUUID(), instance_id: input.instanceId, timestamp, received_at: receivedIso, channels: { ...input.channels } };
      stored.push(frame);
      const assessment = assessments[i];
      const response: AnomalyResponseDto = {
        ...(assessment.is_anomaly ? { anomaly_id: randomUUID() } : {}),
        frame_id: frame.frame_id,
        instance_id: input.instanceId,
        ...assessment,
        timestamp,
      };
      if (response.anomaly_id) anomalies.push(response as StoredAnomaly & AnomalyResponseDto);
      return response;
    });
    await this.store.writeIngest({ frames: stored, anomalies });
    for (const anomaly of anomalies) this.logger.log(DomainEvents.anomalyDetected(anomalyFields(anomaly as StoredAnomaly & AnomalyResponseDto)));
    // Queued only: the webhook never slows ingestion down.
    this.alerts.notify(anomalies);
    return responses;
  }

  latest(instanceId: string): Promise<StoredFrame | undefined> {
    return this.store.latestFrame(instanceId);
  }
}

function toFrameInput(frame: TelemetryFrameDto, receivedAt: number): FrameInput {
  const channels: Record<string, number> = {};
  for (const name of NAMED_CHANNEL_NAMES) {
    const value = frame[name];
    if (value !== undefined) channels[name] = value;
  }
  if (frame.channels) Object.assign(channels, frame.channels);
  return {
    instanceId: frame.instance_id ?? DEFAULT_INSTANCE_ID,
    timestamp: frame.timestamp === undefined ? receivedAt : parseTimestamp(frame.timestamp)!,
    channels,
  };
}

function anomalyFields(anomaly: StoredAnomaly & AnomalyResponseDto) {
  return {
    instance_id: anomaly.instance_id,
    anomaly_id: anomaly.anomaly_id,
    anomaly_type: anomaly.anomaly_type,
    severity_level: anomaly.severity_level,
    anomaly_score: anomaly.anomaly_score,
    recommended_action: anomaly.recommended_action,
  };
}
