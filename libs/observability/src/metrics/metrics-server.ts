import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@astra/config';
import { MetricsExposition } from './metrics-exposition';

/** The separate metrics listener (METRICS_PORT): GET /metrics and nothing else, so it can stay on a private network. */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly exposition: MetricsExposition,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.metricsPort) return;
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url !== '/metrics' && !req.url?.startsWith('/metrics?'))) {
        res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ statusCode: 404, error: 'Not Found', message: 'only GET /metrics is served here' }));
        return;
      }
      this.exposition.scrape(req.headers.authorization, req.headers.accept).then(
        (answer) => res.writeHead(answer.status, { 'content-type': answer.contentType }).end(answer.body),
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metricsPort, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log({ msg: `metrics on http://${this.config.host}:${(server.address() as AddressInfo).port}/metrics`, category: 'infrastructure', event: 'metrics_listening' });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
