import { effectiveGrants, expandGrants, grants, PERMISSIONS, type Permission, type Role } from './permissions';

const allowed = (role: Role, permission: Permission) => grants(effectiveGrants([role]), permission);

describe('the Hive permission matrix', () => {
  it('gives admin every permission', () => {
    expect(expandGrants(effectiveGrants(['admin']))).toEqual([...PERMISSIONS]);
  });

  it.each<[Permission, boolean, boolean]>([
    // permission, developer, viewer
    ['workflows.create', true, false],
    ['workflows.activate', true, false],
    ['workflows.view', true, true],
    ['executions.start', true, false],
    ['executions.manage', true, false],
    ['executions.view', true, true],
    ['agents.view', true, true],
    ['agents.manage', false, false],
    ['tasks.create', true, false],
    ['tasks.view', true, false],
    ['tasks.manage', false, false],
    ['mcp.manage', false, false],
    ['apikeys.manage', false, false],
    ['users.manage', false, false],
  ])('%s: developer %s, viewer %s', (permission, developer, viewer) => {
    expect(allowed('developer', permission)).toBe(developer);
    expect(allowed('viewer', permission)).toBe(viewer);
  });

  it('expands resource wildcards from a token permissions claim, and nothing else', () => {
    const granted = effectiveGrants([], ['agents.*']);
    expect(expandGrants(granted)).toEqual(['agents.view', 'agents.manage']);
    expect(grants(granted, 'tasks.view')).toBe(false);
  });

  it('ignores unknown roles', () => {
    expect(effectiveGrants(['root']).size).toBe(0);
  });
});
