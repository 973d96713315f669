import { ProviderError, ProviderErrorCode } from './provider-error';
import { readStreamLines } from './read-stream-lines.util';

type Method = 'GET' | 'POST';

const MAX_ERROR_TEXT = 300;

/**
 * HTTP to one LLM endpoint for the providers: JSON reads, streamed posts and
 * their lines, with every failure turned into a ProviderError that names the
 * request (never its headers) and says whether the endpoint was unreachable,
 * answered an error, answered nonsense, or the caller aborted or timed out.
 */
export class ProviderHttpClient {
  private readonly base: URL;
  private readonly headers: Readonly<Record<string, string>>;

  /**
   * `headers` go with every request (e.g. Authorization) and never into an
   * error. Credentials in the URL (`http://user:pass@host`) are sent as Basic
   * authorization unless `headers` authorize already.
   */
  constructor(baseUrl: string, headers: Readonly<Record<string, string>> = {}) {
    let base: URL | undefined;
    try {
      base = new URL(baseUrl);
    } catch {
      base = undefined;
    }
    if (!base || (base.protocol !== 'http:' && base.protocol !== 'https:')) {
      throw new ProviderError(ProviderErrorCode.Unreachable, `endpoint ${JSON.stringify(redactUrl(baseUrl))} is not an http(s) URL`, { endpoint: redactUrl(baseUrl) });
    }
    const basic = base.username || base.password ? `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}` : undefined;
    base.username = '';
    base.password = '';
    this.base = base;
    this.headers = basic && !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization') ? { Authorization: basic, ...headers } : headers;
  }

  /** The endpoint's address for messages: scheme, host, port and path, without credentials or query. */
  get endpoint(): string {
    return redactUrl(this.base.href).replace(/\/$/, '');
  }

  async getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    const response = await this.send('GET', path, undefined, signal);
    return this.json(response, 'GET', path, signal);
  }

  async postJson(path: string, body: object, signal?: AbortSignal): Promise<Response> {
    return this.send('POST', path, body, signal);
  }

  /** The response body's lines as they arrive; a broken connection or an abort becomes a ProviderError. */
  async *lines(response: Response, method: Method, path: string, signal?: AbortSignal): AsyncGenerator<string> {
    if (!response.body) throw this.badResponse(method, path, 'the response has no body');
    try {
      yield* readStreamLines(response.body);
    } catch (error) {
      throw this.failure(method, path, error, signal);
    }
  }

  /** A line or event of a stream as JSON; anything else is a bad_response. */
  parseJson(text: string, method: Method, path: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw this.badResponse(method, path, `not JSON: ${truncate(text)}`);
    }
  }

  badResponse(method: Method, path: string, cause: string): ProviderError {
    return new ProviderError(ProviderErrorCode.BadResponse, `${this.describe(method, path)}: bad response: ${cause}`, { endpoint: this.endpoint });
  }

  /** An error the server put in a stream that had started fine. */
  streamedError(method: Method, path: string, message: string): ProviderError {
    return new ProviderError(ProviderErrorCode.HttpError, `${this.describe(method, path)}: error in the stream: ${truncate(message)}`, { endpoint: this.endpoint });
  }

  private async send(method: Method, path: string, body: object | undefined, signal?: AbortSignal): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method,
        signal,
        headers: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...this.headers },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      throw this.failure(method, path, error, signal);
    }
    if (!response.ok) throw await this.httpError(response, method, path, signal);
    return response;
  }

  private async json(response: Response, method: Method, path: string, signal?: AbortSignal): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.failure(method, path, error, signal);
    }
    return this.parseJson(text, method, path);
  }

  private async httpError(response: Response, method: Method, path: string, signal?: AbortSignal): Promise<ProviderError> {
    let text = '';
    try {
      text = await response.text();
    } catch (error) {
      return this.failure(method, path, error, signal);
    }
    const { message, code } = errorOf(text);
    const notFound = response.status === 404 && (code === 'model_not_found' || /model\b.*\b(not found|does not exist)/i.test(message));
    return new ProviderError(
      notFound ? ProviderErrorCode.ModelNotFound : ProviderErrorCode.HttpError,
      `${this.describe(method, path)}: HTTP ${response.status}${message ? `: ${truncate(message)}` : ''}`,
      { endpoint: this.endpoint, status: response.status },
    );
  }

  /** A thrown fetch or stream error, classified by the caller's signal first. */
  private failure(method: Method, path: string, error: unknown, signal?: AbortSignal): ProviderError {
    if (error instanceof ProviderError) return error;
    const request = this.describe(method, path);
    if (signal?.aborted) {
      const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
      return timedOut
        ? new ProviderError(ProviderErrorCode.Timeout, `${request}: timed out`, { endpoint: this.endpoint })
        : new ProviderError(ProviderErrorCode.Aborted, `${request}: aborted by the caller`, { endpoint: this.endpoint });
    }
    return new ProviderError(ProviderErrorCode.Unreachable, `${request}: unreachable (${causeOf(error)})`, { endpoint: this.endpoint });
  }

  private url(path: string): string {
    return new URL(`${this.base.pathname.replace(/\/$/, '')}${path}`, this.base).href;
  }

  private describe(method: Method, path: string): string {
    return `${method} ${this.endpoint}${path}`;
  }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

/** Ollama's `{ error: "..." }` and OpenAI's `{ error: { message, code } }`; otherwise the text itself. */
function errorOf(text: string): { message: string; code?: string } {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return { message: body.error };
    if (typeof body.error === 'object' && body.error !== null) {
      const { message, code } = body.error as { message?: unknown; code?: unknown };
      return { message: typeof message === 'string' ? message : text, code: typeof code === 'string' ? code : undefined };
    }
  } catch {
    // not JSON: the text is the message
  }
  return { message: text.trim() };
}

/**
 * The chain of reasons of a fetch failure (`fetch failed` says little; its
 * cause says ECONNREFUSED). Duck-typed: undici's errors may come from another
 * realm, where `instanceof Error` is false.
 */
function causeOf(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && 'message' in current && parts.length < 4) {
    const { message, cause } = current as { message: unknown; cause?: unknown };
    parts.push(String(message));
    current = cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
}

function truncate(text: string): string {
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}...` : text;
}
