import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Request } from 'express';
import { Counter } from 'prom-client';
import { routeLabel } from '@astra/observability';

export const errorMetricProviders = [
  makeCounterProvider({ name: 'astra_errors_total', help: 'Error responses, by kind and route template (unmatched: no route matched)', labelNames: ['type', 'route'] }),
];

/** The kind of an error response, from its status. */
export function errorType(status: number): string {
  if (status === 400 || status === 422) return 'validation';
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limit';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'internal';
  return 'client';
}

/** Counts every error the exception filter answers: guard rejections, refused bodies and validation failures included. */
@Injectable()
export class ErrorMetrics {
  constructor(@InjectMetric('astra_errors_total') private readonly errors: Counter<string>) {}

  count(status: number, req: Request): void {
    if (status < 400) return;
    this.errors.inc({ type: errorType(status), route: routeLabel(req) });
  }
}
