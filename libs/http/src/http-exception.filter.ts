import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { ErrorMetrics } from './error-metrics';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  /** Structured detail some errors carry (e.g. the health report of a failed readiness probe). */
  [detail: string]: unknown;
}

/** Every error leaves as JSON `{statusCode, error, message}`; only the unexpected ones are 500s. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (!(exception instanceof HttpException)) {
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Internal server error' };
  }
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  const base = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error' };
  if (typeof response === 'string') return { ...base, message: response };
  const { message, statusCode: _status, error: _error, ...detail } = response as Record<string, unknown>;
  return { ...base, message: (message as string | string[] | undefined) ?? exception.message, ...detail };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(private readonly errors: ErrorMetrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const body = toErrorBody(exception);
    this.errors.count(body.statusCode, http.getRequest<Request>());
    if (body.statusCode >= 500 && !(exception instanceof HttpException)) {
      const error = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error({ msg: `unhandled ${error.name}: ${error.message}`, category: 'error', event: 'unhandled_exception', err: error });
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }
}
