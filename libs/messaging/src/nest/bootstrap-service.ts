import { ConsoleLogger, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

export interface BootstrapOptions {
  readonly service: string;
  readonly module: Type<unknown>;
  readonly port: number;
  readonly host: string;
  readonly json?: boolean;
  /** The logger to use (e.g. one that adds trace ids); a ConsoleLogger named after the service by default. */
  readonly logger?: ConsoleLogger;
}

/**
 * Starts a Hive service: Nest app with shutdown hooks (SIGTERM stops
 * fetching, finishes the batch in flight, commits, leaves the group, then
 * closes the pool), listening on HTTP_HOST (loopback by default) for its health endpoint. Prints
 * `<service> ready` once everything has started; exits 1 with the reason if
 * anything fails at boot.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<void> {
  const logger = options.logger ?? new ConsoleLogger(options.service, { json: options.json ?? false });
  try {
    const app = await NestFactory.create(options.module, { logger });
    app.enableShutdownHooks();
    await app.listen(options.port, options.host);
    const address = app.getHttpServer().address() as { port: number } | null;
    logger.log(`${options.service} ready (health on http://${options.host}:${address?.port ?? options.port}/health)`);
  } catch (error) {
    logger.error(`${options.service} failed to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
