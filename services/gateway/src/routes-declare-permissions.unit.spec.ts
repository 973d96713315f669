import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { CONTROLLERS } from './app.module';
import { AUTHENTICATED_ROUTE, PERMISSION_KEY, PUBLIC_ROUTE } from './auth/permission.decorator';
import { PERMISSIONS } from './auth/permissions';

interface Route {
  readonly route: string;
  readonly permission: unknown;
}

/** Every route handler of every controller, with the permission it declares. */
function routes(): Route[] {
  const found: Route[] = [];
  for (const controller of CONTROLLERS) {
    const prefix = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const proto = controller.prototype as unknown as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      found.push({
        route: `${method} /${prefix}/${String(Reflect.getMetadata(PATH_METADATA, handler))}`.replace(/\/+/g, '/').replace(/\/$/, ''),
        permission: Reflect.getMetadata(PERMISSION_KEY, handler) ?? Reflect.getMetadata(PERMISSION_KEY, controller),
      });
    }
  }
  return found;
}

describe('routes', () => {
  const all = routes();

  it('finds the routes (the enumeration itself works)', () => {
    expect(all.length).toBeGreaterThan(30);
    expect(all.map((r) => r.route)).toEqual(expect.arrayContaining(['POST /api/tasks', 'GET /api/tasks/:id', 'PUT /api/tasks/:id/assign', 'DELETE /api/tasks/:id',
      'GET /api/status/cluster', 'GET /api/status/agents', 'GET /api/metrics/performance']));
  });

  it('each declare a known permission, or are explicitly public or authenticated-only', () => {
    const known = new Set<unknown>([...PERMISSIONS, PUBLIC_ROUTE, AUTHENTICATED_ROUTE]);
    expect(all.filter((r) => !known.has(r.permission)).map((r) => r.route)).toEqual([]);
  });

  it('are public only for login, refresh, health and the Prometheus scrape', () => {
    const open = all.filter((r) => r.permission === PUBLIC_ROUTE).map((r) => r.route);
    expect(open).toEqual(expect.arrayContaining(['GET /health', 'POST /api/auth/login', 'POST /api/auth/refresh']));
    // Nothing else may be reachable without credentials (the scrape carries process figures, no tenant data).
    expect(open.filter((route) => !['GET /health', 'GET /metrics', 'POST /api/auth/login', 'POST /api/auth/refresh'].includes(route))).toEqual([]);
  });
});
