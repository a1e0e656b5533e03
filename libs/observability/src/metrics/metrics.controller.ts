import { Controller, Get, Headers, Inject, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { Public } from '@astra/security';
import { MetricsExposition } from './metrics-exposition';

/**
 * GET /metrics on the API port (its path is set by PrometheusModule.register). When METRICS_PORT is
 * set the metrics live only there, off the public port. Public to the API-key guard: METRICS_TOKEN is
 * its own credential.
 */
@ApiExcludeController()
@Public()
@Controller()
export class MetricsController {
  constructor(
    private readonly exposition: MetricsExposition,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async index(@Headers('authorization') authorization: string | undefined, @Headers('accept') accept: string | undefined, @Res() res: Response): Promise<void> {
    if (this.config.metricsPort) throw new NotFoundException(`metrics are served on port ${this.config.metricsPort} (METRICS_PORT)`);
    const answer = await this.exposition.scrape(authorization, accept);
    res.status(answer.status).type(answer.contentType).send(answer.body);
  }
}
