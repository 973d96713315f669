/** The gateway's roles and grants (docs/adr/0003), mirrored: the bridge checks the same permissions on its MCP tools. */
export const ROLES = ['admin', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | 'tasks.create' | 'tasks.view' | 'agents.view' | 'agents.manage' | 'workflows.view' | 'workflows.create'
  | 'executions.view' | 'executions.start' | 'mcp.view' | 'status.view' | 'metrics.view';

const ROLE_GRANTS: Readonly<Record<Role, readonly string[]>> = {
  admin: ['*'],
  developer: ['workflows.*', 'executions.*', 'agents.view', 'tasks.create', 'tasks.view', 'alerts.view', 'mcp.view', 'status.view', 'metrics.view'],
  viewer: ['workflows.view', 'executions.view', 'agents.view', 'alerts.view', 'status.view', 'metrics.view'],
};

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Who calls Hive's MCP server, from a verified bearer token. */
export interface Principal {
  readonly subject: string;
  readonly tenant: string;
  readonly roles: readonly Role[];
  readonly grants: ReadonlySet<string>;
}

export function effectiveGrants(roles: readonly Role[], extra: readonly string[] = []): Set<string> {
  const all = new Set<string>(extra);
  for (const role of roles) for (const grant of ROLE_GRANTS[role]) all.add(grant);
  return all;
}

export function can(principal: Principal, needed: Permission): boolean {
  const resource = needed.slice(0, needed.indexOf('.'));
  return principal.grants.has('*') || principal.grants.has(needed) || principal.grants.has(`${resource}.*`);
}
