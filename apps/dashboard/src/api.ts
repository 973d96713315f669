/** The gateway's REST API from the browser: Bearer token, problem+json errors, refresh on 401. */
export interface Me {
  subject: string;
  tenant: string;
  roles: string[];
  permissions: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly problem?: Record<string, unknown>) {
    super(message);
  }
}

const KEY = 'hive.session';

interface Session {
  accessToken: string;
  refreshToken?: string;
}

let session: Session | undefined = (() => {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
})();

export const token = (): string | undefined => session?.accessToken;

export function setSession(next: Session | undefined): void {
  session = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
}

async function refresh(): Promise<boolean> {
  if (!session?.refreshToken) return false;
  const response = await fetch('/api/auth/refresh', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: session.refreshToken }) });
  if (!response.ok) return false;
  const pair = (await response.json()) as { accessToken: string; refreshToken: string };
  setSession({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
  return true;
}

export async function api<T>(method: string, path: string, body?: unknown, retried = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (session) headers['authorization'] = `Bearer ${session.accessToken}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['idempotency-key'] = crypto.randomUUID();
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 401 && !retried && (await refresh())) return api<T>(method, path, body, true);
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const problem = (parsed ?? {}) as Record<string, unknown>;
    const fields = Array.isArray(problem['errors']) ? (problem['errors'] as Array<{ field: string; messages: string[] }>).map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ') : '';
    throw new ApiError(response.status, `${response.status} ${String(problem['title'] ?? response.statusText)}${problem['detail'] ? `: ${String(problem['detail'])}` : ''}${fields ? ` (${fields})` : ''}`, problem);
  }
  return parsed as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);

export async function login(tenant: string, username: string, password: string): Promise<void> {
  const pair = await api<{ accessToken: string; refreshToken: string }>('POST', '/api/auth/login', { tenant, username, password });
  setSession({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
}

/** Whether the caller's permissions include `permission` (admins hold "*"; "workflows.*" covers "workflows.view"). */
export function can(me: Me | undefined, permission: string): boolean {
  if (!me) return false;
  return me.permissions.some((p) => p === '*' || p === permission || (p.endsWith('.*') && permission.startsWith(p.slice(0, -1))));
}
