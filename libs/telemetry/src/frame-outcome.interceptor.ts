import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { Observable, tap } from 'rxjs';

/** Frames in a request body as the client sent it (before validation): a batch's array length, otherwise one. */
function framesIn(body: unknown): number {
  const batch = (body as { telemetry?: unknown } | undefined)?.telemetry;
  return Array.isArray(batch) ? batch.length : 1;
}

/**
 * Counts ingested frames by outcome around the ingestion handlers. It sees validation failures
 * (pipes run inside it); bodies refused before routing (too large, not JSON) are counted by
 * astra_errors_total instead, since their frames cannot be counted.
 */
@Injectable()
export class FrameOutcomeInterceptor implements NestInterceptor {
  /** Declared by the reliability module, which also counts the journaled frames. */
  constructor(@InjectMetric('astra_telemetry_frames_total') private readonly frames: Counter<string>) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const body: unknown = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    return next.handle().pipe(
      tap({
        next: (result) => this.frames.inc({ outcome: 'accepted' }, (result as { total_processed?: number }).total_processed ?? 1),
        error: (error: unknown) => {
          const status = error instanceof HttpException ? error.getStatus() : 500;
          if (status >= 400 && status < 500) this.frames.inc({ outcome: 'rejected' }, framesIn(body));
        },
      }),
    );
  }
}
