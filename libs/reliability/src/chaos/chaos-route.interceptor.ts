import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { from, Observable, switchMap } from 'rxjs';
import { FAULT_INJECTOR, FaultInjector } from './fault-injector';

/** Chaos routes stay reachable whatever is injected, so an experiment can always be ended. */
const EXEMPT = /^\/api\/v1\/chaos(\/|$)/;

/** Injects chaos target `http` experiments before the handler of the route they name (route template). */
@Injectable()
export class ChaosRouteInterceptor implements NestInterceptor {
  constructor(@Inject(FAULT_INJECTOR) private readonly faults: FaultInjector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const route = (context.switchToHttp().getRequest<Request>().route as { path?: string } | undefined)?.path;
    if (!route || EXEMPT.test(route)) return next.handle();
    return from(this.faults.inject('http', undefined, route)).pipe(switchMap(() => next.handle()));
  }
}
