import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, tap } from 'rxjs';
import { AuthenticatedRequest } from './api-key.guard';
import { requiredRole } from './roles';
import { SecurityAudit } from './security-audit';

/**
 * Every admin action that passed the access guard leaves an audit line with the key id, the route
 * and how it ended. (Refused attempts are logged by the guard as security events.)
 */
@Injectable()
export class AdminAuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly audit: SecurityAudit,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (context.getType() !== 'http' || requiredRole(this.reflector, context, req.method) !== 'admin' || !req.principal) return next.handle();
    const keyId = req.principal.keyId;
    return next.handle().pipe(
      tap({
        complete: () => this.audit.adminAction(req, keyId, 'succeeded'),
        error: (error: unknown) => this.audit.adminAction(req, keyId, 'failed', error instanceof HttpException ? error.getStatus() : 500),
      }),
    );
  }
}
