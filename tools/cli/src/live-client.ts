import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { CliError, ExitCode } from './exit-codes';

export interface LiveMessage {
  readonly id: string;
  readonly type: string;
  readonly topic?: string;
  readonly data?: Record<string, unknown>;
  readonly timestamp: string;
}

/**
 * The gateway's WebSocket (/ws, the Hive message protocol). Subscriptions are
 * remembered and sent again after a reconnect: live delivery is at-most-once
 * (ADR 0003), so a caller that must not miss a state re-reads it over REST
 * on `onReconnect`.
 */
export class LiveClient {
  private socket: WebSocket | undefined;
  private readonly topics = new Set<string>();
  private closed = false;
  private attempts = 0;
  onData: (message: LiveMessage) => void = () => undefined;
  onReconnect: () => void = () => undefined;

  constructor(private readonly baseUrl: string, private readonly token: string) {}

  async connect(): Promise<void> {
    const url = `${this.baseUrl.replace(/^http/, 'ws').replace(/\/$/, '')}/ws?token=${encodeURIComponent(this.token)}`;
    this.socket = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url);
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_request, response) =>
        reject(new CliError(`the gateway refused the WebSocket: ${response.statusCode}`, response.statusCode === 401 || response.statusCode === 403 ? ExitCode.auth : ExitCode.failure)));
      socket.once('error', (error) => reject(new CliError(`cannot open the WebSocket at ${url.split('?')[0]}: ${error.message}`, ExitCode.unavailable)));
    });
    this.attempts = 0;
    const socket = this.socket;
    socket.on('message', (raw) => this.receive(raw.toString()));
    socket.on('close', () => {
      if (!this.closed) this.reconnect();
    });
    socket.on('error', () => undefined);
    for (const topic of this.topics) this.send({ type: 'subscribe', topic });
  }

  /** Subscribes and waits for the gateway's answer; a refusal is an error with its reason. */
  subscribe(topic: string): Promise<void> {
    this.topics.add(topic);
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new CliError(`no answer to the subscription to ${topic}`, ExitCode.unavailable)), 10_000);
      this.pending.set(id, (message) => {
        clearTimeout(timer);
        if (message.type === 'error') {
          this.topics.delete(topic);
          const reason = String(message.data?.['message'] ?? message.data?.['code'] ?? 'refused');
          reject(new CliError(`subscription to ${topic} refused: ${reason}`, /permission|only open/.test(reason) ? ExitCode.auth : ExitCode.usage));
        } else resolve();
      });
      this.send({ id, type: 'subscribe', topic });
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private readonly pending = new Map<string, (message: LiveMessage) => void>();

  private receive(text: string): void {
    let message: LiveMessage & { id?: string };
    try {
      message = JSON.parse(text) as LiveMessage;
    } catch {
      return;
    }
    if (message.type === 'data') {
      this.onData(message);
      return;
    }
    // Answers carry the id of the message they answer.
    const waiting = this.pending.get(message.id);
    if (waiting) {
      this.pending.delete(message.id);
      waiting(message);
    }
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ id: randomUUID(), ...message, timestamp: new Date().toISOString() }));
  }

  private reconnect(): void {
    const delay = Math.min(10_000, 250 * 2 ** this.attempts++);
    setTimeout(() => {
      if (this.closed) return;
      this.connect().then(() => this.onReconnect(), () => this.reconnect());
    }, delay).unref();
  }
}
