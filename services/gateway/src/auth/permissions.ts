/**
 * The Hive document's roles and permission matrix, extended with the read
 * permissions the document leaves implicit (see docs/adr/0003). A permission
 * is `<resource>.<action>`; a grant may be `*` or `<resource>.*`.
 */
export const PERMISSIONS = [
  'tasks.create', 'tasks.view', 'tasks.manage',
  'agents.view', 'agents.manage',
  'workflows.view', 'workflows.create', 'workflows.activate',
  'executions.view', 'executions.start', 'executions.manage',
  'alerts.view', 'mcp.view', 'mcp.manage',
  'status.view', 'metrics.view',
  'apikeys.manage', 'users.manage', 'projections.rebuild',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['admin', 'developer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_GRANTS: Readonly<Record<Role, readonly string[]>> = {
  // The document's matrix: admin ["*"]; developer workflows.*, executions.*, agents.view, tasks.create;
  // viewer workflows.view, executions.view, agents.view. Added: what a developer needs to read its own
  // writes (tasks.view) and the dashboards' read-only views for both.
  admin: ['*'],
  developer: ['workflows.*', 'executions.*', 'agents.view', 'tasks.create', 'tasks.view', 'alerts.view', 'mcp.view', 'status.view', 'metrics.view'],
  viewer: ['workflows.view', 'executions.view', 'agents.view', 'alerts.view', 'status.view', 'metrics.view'],
};

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Whether a set of grants (`*`, `workflows.*`, `tasks.create`) covers a permission. */
export function grants(granted: Iterable<string>, needed: Permission): boolean {
  const resource = needed.slice(0, needed.indexOf('.'));
  for (const grant of granted) {
    if (grant === '*' || grant === needed || grant === `${resource}.*`) return true;
  }
  return false;
}

/** Every grant of the roles, plus explicit extra permissions (a token's `permissions` claim). */
export function effectiveGrants(roles: readonly string[], extra: readonly string[] = []): Set<string> {
  const all = new Set<string>(extra);
  for (const role of roles) if (isRole(role)) for (const grant of ROLE_GRANTS[role]) all.add(grant);
  return all;
}

/** The concrete permissions a set of grants expands to. */
export const expandGrants = (granted: Iterable<string>): Permission[] => {
  const list = [...granted];
  return PERMISSIONS.filter((permission) => grants(list, permission));
};
