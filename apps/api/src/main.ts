import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@astra/config';
import { createApp } from './bootstrap';
import { version } from '../../../package.json';

async function main(): Promise<void> {
  const config = loadConfig(process.env, version);
  const app = await createApp(config);
  const logger = new Logger('Main');
  await app.listen(config.port, config.host);
  logger.log(`AstraGuard ${version} listening on http://${config.host}:${config.port} (store: ${config.redisUrl ? 'redis' : 'in-memory'}); API docs at /docs`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining in-flight requests`);
    const server = app.getHttpServer();
    // Stop accepting, let requests in flight finish (closing keep-alive connections as soon as they
    // go idle), then close whatever is left after the grace period.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    const closeIdle = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
    await drained;
    clearInterval(closeIdle);
    clearTimeout(deadline);
    await app.close();
    logger.log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // A bad setting stops the service with one line naming the variable; anything else with its stack.
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
