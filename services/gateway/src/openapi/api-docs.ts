import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { buildDataSchemas, RegisterAgent, RegisterMcpServer, UpdateAgent, type JsonSchema } from '@hive/contracts';

const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js'] as const;
const TYPES: Record<string, string> = { css: 'text/css; charset=utf-8', js: 'application/javascript; charset=utf-8' };

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hive API</title><link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout', persistAuthorization: true });</script>
</body></html>`;

/**
 * Request bodies that are the contracts' own classes (the registration
 * protocol, MCP server specs) carry class-validator metadata but no Swagger
 * decorators: their schemas come from the same derivation as the AsyncAPI
 * document, so the two descriptions cannot drift apart.
 */
function contractBodySchemas(document: OpenAPIObject): void {
  const derived = buildDataSchemas([RegisterAgent, UpdateAgent, RegisterMcpServer]);
  const schemas = (document.components ??= {}).schemas ??= {};
  for (const [name, schema] of Object.entries(derived)) schemas[name] ??= schema as never;
  const withoutAgentId = (schema: JsonSchema): JsonSchema => {
    const { agentId: _omitted, ...properties } = (schema['properties'] ?? {}) as Record<string, unknown>;
    return { ...schema, properties, required: ((schema['required'] ?? []) as string[]).filter((field) => field !== 'agentId') };
  };
  schemas['RegisterAgentDto'] = derived['RegisterAgentData'] as never;
  schemas['UpdateAgentDto'] = withoutAgentId(derived['UpdateAgentData']) as never;
  schemas['RegisterMcpServerDto'] = derived['RegisterMcpServerData'] as never;
}

/** The OpenAPI document, generated from the controllers and DTOs. */
export function buildOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, new DocumentBuilder()
    .setTitle('Hive API')
    .setDescription('The public API of Hive. Authenticate with a bearer JWT (POST /api/auth/login, or `npm run token` in development) or an X-API-Key. '
      + 'Errors are RFC 9457 problem details (application/problem+json). Commands accept an Idempotency-Key header.')
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build());
  contractBodySchemas(document);
  return document;
}

/**
 * Serves /api/openapi.json and a browsable page at /api/docs (Swagger UI's
 * own files from swagger-ui-dist, loaded once at start). Public: the API's
 * shape is not a secret, its data is.
 */
export function serveApiDocs(app: NestFastifyApplication, document: OpenAPIObject): void {
  const fastify = app.getHttpAdapter().getInstance();
  const dist = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets = new Map(ASSETS.map((name) => [name, readFileSync(path.join(dist, name))]));
  const json = JSON.stringify(document);
  fastify.get('/api/openapi.json', (_request, reply) => void reply.header('content-type', 'application/json; charset=utf-8').send(json));
  fastify.get('/api/docs', (_request, reply) => void reply.header('content-type', 'text/html; charset=utf-8').send(page));
  fastify.get('/api/docs/:asset', (request, reply) => {
    const name = (request.params as { asset: string }).asset;
    const body = assets.get(name as (typeof ASSETS)[number]);
    if (!body) return void reply.callNotFound();
    void reply.header('content-type', TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream').header('cache-control', 'public, max-age=86400').send(body);
  });
}
