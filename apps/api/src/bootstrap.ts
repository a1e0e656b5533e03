import type { Express } from 'express';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@astra/config';
import { applyBodyParsing } from '@astra/http';
import { AppModule } from './app.module';

/** Builds the application exactly as it serves, so the HTTP tests exercise the real thing. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    // Start-up errors (e.g. a bad setting) reach the caller instead of Nest exiting the process.
    abortOnError: false,
    logger: config.logLevel === 'silent' ? false : undefined,
  });
  app.disable('x-powered-by');
  applyBodyParsing(app, { ...config, batchRoutes: ['/api/v1/telemetry/batch'] });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('AstraGuard API')
      .setDescription('Telemetry ingestion and streaming anomaly detection for spacecraft and rover fleets.')
      .setVersion(config.serviceVersion)
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  (app.getHttpAdapter().getInstance() as Express).get('/openapi.json', (_req, res) => res.json(document));
  app.getHttpServer().requestTimeout = config.requestTimeoutMs;
  return app;
}
