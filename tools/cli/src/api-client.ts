import { randomUUID } from 'node:crypto';
import { CliError, ExitCode } from './exit-codes';

export interface Problem {
  readonly status?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly code?: string;
  readonly errors?: ReadonlyArray<{ field?: string; message?: string; messages?: string[] }>;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/** The gateway's REST API: Bearer auth, JSON bodies, problem+json errors mapped to exit codes. */
export class ApiClient {
  /**
   * `refresh`, when given, trades the saved refresh token for a new access token after a 401 (a
   * `hive login` token lives 15 minutes); the request is then sent once more.
   */
  constructor(readonly baseUrl: string, private token: string | undefined, private readonly timeoutMs = 30_000,
    private readonly refresh?: (client: ApiClient) => Promise<string | undefined>) {}

  get bearer(): string | undefined {
    return this.token;
  }

  async request<T>(method: string, path: string, body?: unknown, options: { idempotent?: boolean; retried?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    // Writes carry an Idempotency-Key so a retry after a timeout is safe (ADR 0003).
    if (options.idempotent) headers['idempotency-key'] = randomUUID();
    let response: Response;
    try {
      response = await fetch(this.baseUrl.replace(/\/$/, '') + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new CliError(`cannot reach the gateway at ${this.baseUrl} (${cause}); start it with "npm start" or set HIVE_URL / --url`, ExitCode.unavailable);
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (response.ok) return parsed as T;
    if (response.status === 401 && this.refresh && !options.retried) {
      const fresh = await this.refresh(this).catch(() => undefined);
      if (fresh) {
        this.token = fresh;
        return this.request<T>(method, path, body, { ...options, retried: true });
      }
    }
    throw problemError(response.status, parsed, `${method} ${path}`);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** Every item of a cursor-paged list, up to `max`. */
  async all<T>(path: string, max = 10_000): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: Page<T> = await this.get<Page<T>>(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < max);
    return items.slice(0, max);
  }
}

/** Turns a problem+json answer into a message people can act on and the matching exit code. */
export function problemError(status: number, body: unknown, what: string): CliError {
  const problem = (typeof body === 'object' && body !== null ? body : { detail: typeof body === 'string' ? body : undefined }) as Problem;
  const fields = (problem.errors ?? []).map((e) => `  ${e.field ?? ''}: ${e.message ?? (e.messages ?? []).join('; ')}`).join('\n');
  const message = `${what}: ${status} ${problem.title ?? ''}${problem.detail ? ` - ${problem.detail}` : ''}${fields ? `\n${fields}` : ''}`.replace(/ +-/, ' -');
  const code = status === 401 || status === 403 ? ExitCode.auth : status === 504 || status === 502 || status === 503 ? ExitCode.unavailable : ExitCode.failure;
  return new CliError(message, code, problem);
}
