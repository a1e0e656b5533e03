import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { register } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { ObservabilityState } from '../observability-state';
import { OPENMETRICS_CONTENT_TYPE, renderOpenMetrics, wantsOpenMetrics } from './openmetrics';

export interface Exposition {
  status: number;
  contentType: string;
  body: string;
}

const refusal = (status: number, message: string): Exposition => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ statusCode: status, error: status === 401 ? 'Unauthorized' : 'Service Unavailable', message }) });

/**
 * What a scrape of /metrics answers, on whichever port serves it: the default registry in Prometheus
 * text, or in OpenMetrics (with exemplars) when the scraper asks for it. METRICS_TOKEN, when set, must
 * come as `Authorization: Bearer <token>`.
 */
@Injectable()
export class MetricsExposition {
  private readonly token?: Buffer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly state: ObservabilityState,
  ) {
    this.token = config.metricsToken ? Buffer.from(config.metricsToken) : undefined;
  }

  async scrape(authorization: string | undefined, accept: string | undefined): Promise<Exposition> {
    if (!this.authorized(authorization)) return refusal(401, 'a bearer token is required for /metrics (METRICS_TOKEN)');
    if (!this.state.metricsOn) return refusal(503, 'metrics are switched off (METRICS_ENABLED, PUT /api/v1/admin/observability)');
    if (wantsOpenMetrics(accept)) {
      this.state.exemplarsWanted = true;
      return { status: 200, contentType: OPENMETRICS_CONTENT_TYPE, body: await renderOpenMetrics(register) };
    }
    return { status: 200, contentType: register.contentType, body: await register.metrics() };
  }

  private authorized(authorization: string | undefined): boolean {
    if (!this.token) return true;
    if (!authorization?.startsWith('Bearer ')) return false;
    const presented = Buffer.from(authorization.slice(7).trim());
    return presented.length === this.token.length && timingSafeEqual(presented, this.token);
  }
}
