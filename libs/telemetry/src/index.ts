export { TelemetryModule } from './telemetry.module';
export { AnomalyResponseDto, BatchResponseDto } from './dto/anomaly-response.dto';
export { TelemetryBatchDto, TelemetryFrameDto } from './dto/telemetry-frame.dto';
