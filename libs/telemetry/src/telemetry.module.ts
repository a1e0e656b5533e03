import { Module } from '@nestjs/common';
import { AnomalyModule } from '@astra/anomaly';
import { BatchSizePipe } from './batch-size.pipe';
import { FrameOutcomeInterceptor } from './frame-outcome.interceptor';
import { HistoryController } from './history.controller';
import { TelemetryController } from './telemetry.controller';
import { TelemetryService } from './telemetry.service';

/** Telemetry API v1: ingestion of frames and batches, latest frame, anomaly history. */
@Module({
  imports: [AnomalyModule],
  controllers: [TelemetryController, HistoryController],
  providers: [TelemetryService, BatchSizePipe, FrameOutcomeInterceptor],
})
export class TelemetryModule {}
