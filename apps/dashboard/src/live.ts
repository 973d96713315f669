/**
 * The gateway's WebSocket (/ws): one connection per tab, subscriptions by
 * topic with reference counts, reconnect with backoff and resubscribe. Events
 * are buffered and handed to listeners in batches (at most one flush per
 * animation frame), so 500 events/s cause a few renders per second, not 500.
 */
export interface LiveEvent {
  id: string;
  topic: string;
  data: Record<string, unknown> & { event: string };
  timestamp: string;
}

type Listener = (events: readonly LiveEvent[]) => void;
type StateListener = (state: LiveState) => void;
export type LiveState = 'connecting' | 'open' | 'closed';

export class LiveConnection {
  private socket: WebSocket | undefined;
  private readonly counts = new Map<string, number>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly reconnectListeners = new Set<() => void>();
  private buffer: LiveEvent[] = [];
  private scheduled = false;
  private attempts = 0;
  private stopped = false;
  state: LiveState = 'closed';
  /** Counters for the performance test (window.__hive). */
  readonly stats = { received: 0, flushes: 0, reconnects: 0 };

  constructor(private readonly url: () => string) {}

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }

  /** Listens to a topic (subscribing when the first listener comes); returns the unsubscribe. */
  subscribe(topic: string, listener: Listener): () => void {
    const set = this.listeners.get(topic) ?? new Set();
    set.add(listener);
    this.listeners.set(topic, set);
    const count = (this.counts.get(topic) ?? 0) + 1;
    this.counts.set(topic, count);
    if (count === 1) this.send({ type: 'subscribe', topic });
    return () => {
      set.delete(listener);
      const left = (this.counts.get(topic) ?? 1) - 1;
      if (left <= 0) {
        this.counts.delete(topic);
        this.listeners.delete(topic);
        this.send({ type: 'unsubscribe', topic });
      } else this.counts.set(topic, left);
    };
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Called after a reconnect: live delivery is at-most-once, so views re-read their state. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  private open(): void {
    this.setState('connecting');
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.onopen = () => {
      const again = this.attempts > 0 || this.stats.reconnects > 0;
      this.attempts = 0;
      this.setState('open');
      for (const topic of this.counts.keys()) this.send({ type: 'subscribe', topic });
      if (again) for (const listener of this.reconnectListeners) listener();
    };
    socket.onmessage = (message) => {
      let parsed: { type?: string; topic?: string } & Partial<LiveEvent>;
      try {
        parsed = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (parsed.type !== 'data' || !parsed.topic) return;
      this.stats.received++;
      this.buffer.push(parsed as LiveEvent);
      this.schedule();
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.setState('closed');
      if (this.stopped) return;
      this.stats.reconnects++;
      const delay = Math.min(10_000, 300 * 2 ** this.attempts++) * (0.75 + Math.random() / 2);
      setTimeout(() => !this.stopped && this.open(), delay);
    };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const flush = () => {
      this.scheduled = false;
      const batch = this.buffer;
      this.buffer = [];
      this.stats.flushes++;
      const byTopic = new Map<string, LiveEvent[]>();
      for (const event of batch) {
        const list = byTopic.get(event.topic) ?? [];
        list.push(event);
        byTopic.set(event.topic, list);
      }
      for (const [topic, events] of byTopic) for (const listener of this.listeners.get(topic) ?? []) listener(events);
    };
    // A hidden tab gets no animation frames: fall back to a timer there.
    if (typeof document !== 'undefined' && document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 100);
  }

  private send(message: Record<string, unknown>): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ id: crypto.randomUUID(), ...message, timestamp: new Date().toISOString() }));
  }

  private setState(state: LiveState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
