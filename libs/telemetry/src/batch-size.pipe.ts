import { Inject, Injectable, PipeTransform, UnprocessableEntityException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { TelemetryBatchDto } from './dto/telemetry-frame.dto';

/** MAX_BATCH is configuration, so the bound is checked here rather than in a decorator. */
@Injectable()
export class BatchSizePipe implements PipeTransform<TelemetryBatchDto, TelemetryBatchDto> {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  transform(batch: TelemetryBatchDto): TelemetryBatchDto {
    if (batch.telemetry.length > this.config.maxBatch) {
      throw new UnprocessableEntityException([`telemetry must contain at most ${this.config.maxBatch} frames (MAX_BATCH)`]);
    }
    return batch;
  }
}
