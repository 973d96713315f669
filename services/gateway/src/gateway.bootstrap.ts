import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HiveLogger } from '@hive/observability';
import { AppModule } from './app.module';
import { DEV_JWT_SECRET, type GatewayConfig } from './config/gateway.config';
import { WebSocketHub } from './live/websocket-hub';
import { buildOpenApi, serveApiDocs } from './openapi/api-docs';

export interface GatewayStartOptions {
  readonly json: boolean;
  readonly production: boolean;
}

/**
 * Starts the gateway on Fastify: body limit (413), JSON parse errors as
 * problem details (400), the OpenAPI document at /api/openapi.json with a
 * browsable page at /api/docs, and the WebSocket endpoint at /ws. Prints
 * `gateway ready` when it listens.
 */
export async function startGateway(config: GatewayConfig, options: GatewayStartOptions): Promise<NestFastifyApplication | undefined> {
  const logger = new HiveLogger('gateway', { json: options.json });
  try {
    if (options.production && config.HIVE_JWT_SECRET === DEV_JWT_SECRET) throw new Error('HIVE_JWT_SECRET must be set in production (the default is for development only)');
    const adapter = new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES, trustProxy: false, routerOptions: { maxParamLength: 256 } });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { logger });
    app.enableShutdownHooks();
    serveApiDocs(app, buildOpenApi(app));
    app.get(WebSocketHub).attach(app.getHttpServer() as Server);
    await app.listen(config.GATEWAY_PORT, config.HTTP_HOST);
    const address = (app.getHttpServer() as Server).address() as { port: number } | null;
    const base = `http://${config.HTTP_HOST}:${address?.port ?? config.GATEWAY_PORT}`;
    logger.log(`gateway ready on ${base} (API docs ${base}/api/docs, WebSocket ws://${config.HTTP_HOST}:${address?.port ?? config.GATEWAY_PORT}/ws)`);
    return app;
  } catch (error) {
    logger.error(`gateway failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  }
}
