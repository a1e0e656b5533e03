import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Response } from 'express';

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

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500 && !(exception instanceof HttpException)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }
}
