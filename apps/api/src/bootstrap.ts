import type { Server } from 'node:http';
import type { Express } from 'express';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@astra/config';
import { applyBodyParsing } from '@astra/http';
import { BodyGate } from '@astra/security';
import { applyObservability, ObservabilityOptions } from '@astra/observability';
import { AppModule } from './app.module';

/** Builds the application exactly as it serves, so the HTTP tests exercise the real thing. */
export async function createApp(config: AppConfig, observability: ObservabilityOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, observability), {
    bodyParser: false,
    // Start-up errors (e.g. a bad setting) reach the caller instead of Nest exiting the process.
    abortOnError: false,
    // Start-up lines wait for pino (nestjs-pino), which applyObservability installs as the logger.
    bufferLogs: true,
  });
  app.disable('x-powered-by');
  applyObservability(app);
  // The service speaks plain HTTP (TLS ends at the proxy): upgrading subresources to https would break
  // Swagger UI whenever it is opened over http on anything but localhost.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  // No CORS headers at all unless browser origins are configured.
  if (config.corsOrigins.length > 0) app.enableCors({ origin: config.corsOrigins, allowedHeaders: ['Content-Type', 'Authorization', 'X-API-Key'] });
  app.use(app.get(BodyGate).handle);
  applyBodyParsing(app, { ...config, batchRoutes: ['/api/v1/telemetry/batch'] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('AstraGuard API')
      .setDescription('Telemetry ingestion and streaming anomaly detection for spacecraft and rover fleets.')
      .setVersion(config.serviceVersion)
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Needed once API_KEYS is configured' }, 'api-key')
      .addSecurityRequirements('api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  (app.getHttpAdapter().getInstance() as Express).get('/openapi.json', (_req, res) => res.json(document));
  applyServerLimits(app.getHttpServer(), config);
  return app;
}

/** Slow or oversized clients are cut off by Node itself: read at each new connection, so set before listen. */
function applyServerLimits(server: Server, config: AppConfig): void {
  server.requestTimeout = config.requestTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  (server as Server & { maxHeaderSize: number }).maxHeaderSize = config.maxHeaderBytes;
}
