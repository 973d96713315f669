import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestRejectedError } from './request-rejected.error';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * One request and its response, with what the API handlers need: the JSON
 * body, JSON answers, streamed writes that respect backpressure, and a signal
 * that aborts when the client goes away before the response is complete.
 */
export class HttpExchange {
  readonly method: string;
  readonly path: string;
  readonly signal: AbortSignal;

  constructor(
    private readonly request: IncomingMessage,
    private readonly response: ServerResponse,
  ) {
    this.method = request.method ?? 'GET';
    this.path = new URL(request.url ?? '/', 'http://simulated-agent').pathname;
    const disconnected = new AbortController();
    response.once('close', () => {
      if (!response.writableFinished) disconnected.abort(new Error('client disconnected'));
    });
    this.signal = disconnected.signal;
  }

  get headersSent(): boolean {
    return this.response.headersSent;
  }

  /** The body parsed as a JSON object; RequestRejectedError (400) when it is not one. */
  async readJsonObject(): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw RequestRejectedError.malformed(`request body exceeds ${MAX_BODY_BYTES} bytes`);
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') throw RequestRejectedError.malformed('request body is empty, expected a JSON object');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw RequestRejectedError.malformed(`invalid JSON body: ${(error as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw RequestRejectedError.malformed('request body must be a JSON object');
    return body as Record<string, unknown>;
  }

  sendJson(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const payload = JSON.stringify(body);
    this.response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload), ...headers });
    this.response.end(payload);
  }

  sendText(status: number, text: string): void {
    this.response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    this.response.end(this.method === 'HEAD' ? undefined : text);
  }

  /** Sends the status and headers of a streamed (chunked) response. */
  startStream(contentType: string, headers: Record<string, string> = {}): void {
    this.response.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache', ...headers });
    this.response.flushHeaders();
  }

  /** Writes a chunk; waits while the client is not reading; rejects when it disconnects. */
  async write(text: string): Promise<void> {
    this.signal.throwIfAborted();
    if (!this.response.write(text)) await once(this.response, 'drain', { signal: this.signal });
  }

  end(text?: string): void {
    if (!this.response.writableEnded) this.response.end(text);
  }
}
