import { createHmac, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { RunningProcess, TestEnvironment } from '@hive/testing';
import { startService } from '../services';

/** The secret the test gateways sign with (never the dev default: tokens are minted here). */
export const TEST_JWT_SECRET = `e2e-secret-${randomUUID()}`;

export type Role = 'admin' | 'developer' | 'viewer';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 token with the Hive document's claims, as `npm run token` prints. */
export function token(role: Role, tenant: string, sub = `${role}-${tenant}`, ttlSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, tenant, roles: [role], iss: 'hive-gateway', iat: now, exp: now + ttlSeconds, jti: randomUUID() })}`;
  return `${head}.${createHmac('sha256', TEST_JWT_SECRET).update(head).digest('base64url')}`;
}

export interface GatewayProcess extends RunningProcess {
  readonly url: string;
}

export async function startGatewayProcess(env: TestEnvironment, extra: Record<string, string> = {}): Promise<GatewayProcess> {
  const running = await startService(env, 'gateway', { HIVE_JWT_SECRET: TEST_JWT_SECRET, ...extra });
  const url = /gateway ready on (http:\/\/[\d.]+:\d+)/.exec(running.output())?.[1];
  if (!url) throw new Error(`no gateway address in:\n${running.output().slice(-2000)}`);
  return Object.assign(running, { url });
}

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent as is (for malformed JSON). */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

/** One HTTP call to a gateway; JSON (or problem+json) bodies are parsed. */
export async function call<T = Record<string, unknown>>(base: string, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(base + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export interface WsMessage {
  readonly id: string;
  readonly type: string;
  readonly topic?: string;
  readonly data?: Record<string, unknown>;
  readonly timestamp: string;
}

/** A WebSocket client of the Hive message protocol that records what it receives. */
export class WsClient {
  readonly received: WsMessage[] = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => this.received.push(JSON.parse(raw.toString()) as WsMessage));
  }

  static connect(base: string, bearer: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(bearer)}`);
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
  }

  /** Sends a message and resolves with the reply carrying the same id. */
  async request(type: string, topic?: string): Promise<WsMessage> {
    const id = randomUUID();
    this.socket.send(JSON.stringify({ id, type, ...(topic ? { topic } : {}), timestamp: new Date().toISOString() }));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const reply = this.received.find((m) => m.id === id && m.type !== 'data');
      if (reply) return reply;
      if (Date.now() > deadline) throw new Error(`no reply to ${type} ${topic ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  data(): WsMessage[] {
    return this.received.filter((m) => m.type === 'data');
  }

  close(): void {
    this.socket.close();
  }
}
