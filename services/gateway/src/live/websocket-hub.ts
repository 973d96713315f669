import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Envelope } from '@hive/contracts';
import { CredentialsRepository } from '../auth/credentials.repository';
import { effectiveGrants } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import { TokenService } from '../auth/token.service';
import { GatewayConfig } from '../config/gateway.config';
import { subscriptionRefusal, topicsOf, visibleTo } from './live-topics';

interface Connection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly principal: Principal;
  readonly subscriptions: Set<string>;
  alive: boolean;
  closing: boolean;
}

interface ClientMessage {
  id?: unknown;
  type?: unknown;
  topic?: unknown;
}

const now = () => new Date().toISOString();

/**
 * The /ws endpoint: the Hive message protocol (subscribe, unsubscribe,
 * data, error, ping, pong) over authenticated, tenant-scoped connections.
 * Each event is serialised once per topic and written to every subscriber;
 * a subscriber whose send buffer passes WS_MAX_QUEUED_BYTES is closed
 * (1008, "slow consumer") instead of growing the server's memory.
 */
@Injectable()
export class WebSocketHub implements OnModuleDestroy {
  private readonly logger = new Logger(WebSocketHub.name);
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly connections = new Set<Connection>();
  private readonly byTopic = new Map<string, Set<Connection>>();
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly tokens: TokenService, private readonly credentials: CredentialsRepository, private readonly config: GatewayConfig) {}

  get connectionCount(): number {
    return this.connections.size;
  }

  attach(http: Server): void {
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(request.url ?? '/', 'http://gateway');
      if (url.pathname !== '/ws') {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.authenticate(request, url).then(
        (principal) => this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws, principal)),
        (error: Error) => {
          const body = JSON.stringify({ type: 'https://hive.dev/problems/unauthenticated', title: 'Authentication required', status: 401, detail: error.message, code: 'unauthenticated' });
          socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        },
      );
    });
    this.heartbeat = setInterval(() => this.beat(), this.config.WS_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Delivers an event to the subscribers of each of its topics within its tenant. */
  publish(envelope: Envelope): void {
    for (const topic of topicsOf(envelope)) {
      const subscribers = this.byTopic.get(topic);
      if (!subscribers || subscribers.size === 0) continue;
      let frame: string | undefined;
      for (const connection of subscribers) {
        if (!visibleTo(connection.principal.tenant, envelope, topic)) continue;
        frame ??= JSON.stringify({ id: envelope.id, type: 'data', topic, data: { event: envelope.type, ...(envelope.data as object) }, timestamp: envelope.occurredAt });
        this.send(connection, frame);
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const connection of this.connections) connection.socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async authenticate(request: IncomingMessage, url: URL): Promise<Principal> {
    const header = request.headers.authorization;
    const token = url.searchParams.get('token') ?? (header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined);
    if (token) return this.tokens.verify(token);
    const key = url.searchParams.get('api_key') ?? (typeof request.headers['x-api-key'] === 'string' ? request.headers['x-api-key'] : undefined);
    if (key) {
      const record = await this.credentials.verifyApiKey(key);
      if (record) return { subject: `apikey:${record.keyId}`, tenant: record.tenant, roles: [record.role], grants: effectiveGrants([], record.scopes), rateRole: record.role, via: 'api-key' };
    }
    throw new Error('connect with ?token=<jwt>, Authorization: Bearer <jwt>, or an API key');
  }

  private accept(socket: WebSocket, principal: Principal): void {
    const connection: Connection = { id: randomUUID(), socket, principal, subscriptions: new Set(), alive: true, closing: false };
    this.connections.add(connection);
    socket.on('pong', () => (connection.alive = true));
    socket.on('message', (raw, isBinary) => this.onMessage(connection, isBinary ? undefined : raw.toString()));
    socket.on('close', () => this.drop(connection));
    socket.on('error', () => this.drop(connection));
  }

  private onMessage(connection: Connection, text: string | undefined): void {
    connection.alive = true;
    let message: ClientMessage;
    try {
      message = JSON.parse(text ?? '') as ClientMessage;
      if (typeof message !== 'object' || message === null) throw new Error('not an object');
    } catch {
      this.reply(connection, { type: 'error', data: { code: 'malformed_message', message: 'send JSON text messages: { id, type, topic? }' } });
      return;
    }
    const id = typeof message.id === 'string' || typeof message.id === 'number' ? message.id : undefined;
    const topic = typeof message.topic === 'string' ? message.topic : undefined;
    switch (message.type) {
      case 'ping':
        this.reply(connection, { id, type: 'pong' });
        return;
      case 'pong':
        return;
      case 'subscribe': {
        const refusal = topic === undefined ? 'subscribe needs a topic' : subscriptionRefusal(connection.principal, topic);
        if (refusal || topic === undefined) return this.reply(connection, { id, type: 'error', topic, data: { code: 'subscription_refused', message: refusal } });
        if (!connection.subscriptions.has(topic) && connection.subscriptions.size >= this.config.WS_MAX_SUBSCRIPTIONS) {
          return this.reply(connection, { id, type: 'error', topic, data: { code: 'too_many_subscriptions', message: `at most ${this.config.WS_MAX_SUBSCRIPTIONS} subscriptions per connection` } });
        }
        connection.subscriptions.add(topic);
        const set = this.byTopic.get(topic) ?? new Set();
        set.add(connection);
        this.byTopic.set(topic, set);
        return this.reply(connection, { id, type: 'subscribe', topic, data: { subscribed: true } });
      }
      case 'unsubscribe': {
        if (topic !== undefined) this.unsubscribe(connection, topic);
        return this.reply(connection, { id, type: 'unsubscribe', topic, data: { subscribed: false } });
      }
      default:
        this.reply(connection, { id, type: 'error', data: { code: 'unknown_type', message: 'type must be subscribe, unsubscribe, ping or pong' } });
    }
  }

  private reply(connection: Connection, message: Record<string, unknown>): void {
    this.send(connection, JSON.stringify({ id: randomUUID(), ...Object.fromEntries(Object.entries(message).filter(([, v]) => v !== undefined)), timestamp: now() }));
  }

  private send(connection: Connection, frame: string): void {
    if (connection.closing) return;
    if (connection.socket.bufferedAmount > this.config.WS_MAX_QUEUED_BYTES) {
      connection.closing = true;
      this.logger.warn(`closing slow WebSocket client ${connection.id} (${connection.socket.bufferedAmount} bytes queued)`);
      connection.socket.send(JSON.stringify({ id: randomUUID(), type: 'error', data: { code: 'slow_consumer', message: `more than ${this.config.WS_MAX_QUEUED_BYTES} bytes waiting to be sent; closing` }, timestamp: now() }));
      connection.socket.close(1008, 'slow consumer: send buffer full');
      setTimeout(() => connection.socket.terminate(), 2_000).unref();
      this.drop(connection);
      return;
    }
    connection.socket.send(frame);
  }

  private unsubscribe(connection: Connection, topic: string): void {
    connection.subscriptions.delete(topic);
    const set = this.byTopic.get(topic);
    set?.delete(connection);
    if (set?.size === 0) this.byTopic.delete(topic);
  }

  private drop(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    for (const topic of [...connection.subscriptions]) this.unsubscribe(connection, topic);
  }

  private beat(): void {
    for (const connection of this.connections) {
      if (!connection.alive) {
        connection.socket.terminate();
        this.drop(connection);
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
