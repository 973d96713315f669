import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The dashboard's built files (apps/dashboard/dist), found from src/dashboard or dist/dashboard alike. */
const DIST = path.resolve(__dirname, '../../../../apps/dashboard/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json',
};

/**
 * Serves the web dashboard (a static single-page app) at /dashboard/ from the
 * gateway, so there is no second server to run. Plain Fastify routes outside
 * Nest's router: the files are public, the API they call is not. Hashed
 * assets are cached for a year, index.html never; unknown paths under
 * /dashboard/ get index.html (client-side routes).
 */
@Injectable()
export class DashboardStatic implements OnModuleInit {
  private readonly logger = new Logger(DashboardStatic.name);

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.get('/', (_request, reply) => reply.redirect('/dashboard/', 302));
    fastify.get('/dashboard', (_request, reply) => reply.redirect('/dashboard/', 301));
    fastify.get('/dashboard/*', (request, reply) => this.serve(request, reply));
  }

  private async serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const wanted = decodeURIComponent((request.params as { '*'?: string })['*'] ?? '');
    const file = path.resolve(DIST, wanted);
    const inside = file.startsWith(DIST + path.sep);
    const target = inside && (await isFile(file)) ? file : path.join(DIST, 'index.html');
    let body: Buffer;
    try {
      body = await readFile(target);
    } catch {
      this.logger.warn(`no dashboard build in ${DIST}`);
      return reply.code(404).type('text/plain').send('The dashboard is not built: npm run build -w @hive/dashboard');
    }
    const immutable = target.includes(`${path.sep}assets${path.sep}`);
    return reply
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .type(TYPES[path.extname(target)] ?? 'application/octet-stream')
      .send(body);
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
