import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ErrorMetrics, errorMetricProviders } from './error-metrics';
import { HttpExceptionFilter } from './http-exception.filter';
import { strictValidationPipe } from './validation';

/** The HTTP edge every route shares: strict validation and uniform JSON errors. */
@Module({
  providers: [
    { provide: APP_PIPE, useFactory: strictValidationPipe },
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    ...errorMetricProviders,
    ErrorMetrics,
  ],
})
export class HttpEdgeModule {}
