import { EventEmitter } from 'node:events';
import type { Envelope } from '@hive/contracts';
import type { CredentialsRepository } from '../auth/credentials.repository';
import { effectiveGrants } from '../auth/permissions';
import type { Principal } from '../auth/principal';
import type { TokenService } from '../auth/token.service';
import type { GatewayConfig } from '../config/gateway.config';
import { WebSocketHub } from './websocket-hub';

/** A socket whose peer reads nothing: every frame stays in its send buffer. */
class StalledSocket extends EventEmitter {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  closed: { code: number; reason: string } | undefined;
  send(frame: string): void {
    this.sent.push(frame);
    this.bufferedAmount += Buffer.byteLength(frame);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  terminated = false;
  terminate(): void {
    this.terminated = true;
  }
  ping(): void {
    this.emit('ping-sent');
  }
}

const principal: Principal = { subject: 'vic', tenant: 'acme', roles: ['viewer'], grants: effectiveGrants(['viewer']), rateRole: 'viewer', via: 'jwt' };
const config = { WS_MAX_QUEUED_BYTES: 4096, WS_MAX_SUBSCRIPTIONS: 10, WS_HEARTBEAT_MS: 30_000 } as GatewayConfig;

const alert = (n: number): Envelope => ({
  id: `6f1c2b9e-1d2c-4a4b-9d7e-${String(n).padStart(12, '0')}`, type: 'system.alert', version: 1, source: 'test', tenant: 'acme', occurredAt: '2026-01-01T00:00:00Z',
  correlationId: 'c', causationId: null, data: { alertId: `a${n}`, rule: 'high_cpu', severity: 'critical', condition: 'x', value: 1, message: 'm'.repeat(500), state: 'firing' },
});

describe('WebSocketHub', () => {
  it('closes a subscriber that stops reading once its send buffer passes the bound, and sends it nothing more', () => {
    const hub = new WebSocketHub({} as TokenService, {} as CredentialsRepository, config);
    const socket = new StalledSocket();
    (hub as unknown as { accept(socket: unknown, principal: Principal): void }).accept(socket, principal);
    socket.emit('message', Buffer.from(JSON.stringify({ id: '1', type: 'subscribe', topic: 'alerts.critical' })), false);
    expect(hub.connectionCount).toBe(1);

    for (let n = 0; n < 100; n++) hub.publish(alert(n));

    expect(socket.closed).toEqual({ code: 1008, reason: 'slow consumer: send buffer full' });
    expect(JSON.parse(socket.sent.at(-1) ?? '{}')).toMatchObject({ type: 'error', data: { code: 'slow_consumer' } });
    // Bounded: a few frames past the limit at most, not the 100 published.
    expect(socket.sent.length).toBeLessThan(15);
    expect(hub.connectionCount).toBe(0);
  });

  it('delivers an event only to subscribers of its topic in its tenant', () => {
    const hub = new WebSocketHub({} as TokenService, {} as CredentialsRepository, config);
    const mine = new StalledSocket();
    const other = new StalledSocket();
    const accept = (hub as unknown as { accept(socket: unknown, principal: Principal): void }).accept.bind(hub);
    accept(mine, principal);
    accept(other, { ...principal, tenant: 'globex' });
    for (const socket of [mine, other]) socket.emit('message', Buffer.from(JSON.stringify({ id: '1', type: 'subscribe', topic: 'alerts.critical' })), false);
    hub.publish(alert(1));
    expect(mine.sent.map((f) => (JSON.parse(f) as { type: string }).type)).toEqual(['subscribe', 'data']);
    expect(other.sent.map((f) => (JSON.parse(f) as { type: string }).type)).toEqual(['subscribe']);
  });

  it('pings every heartbeat and drops a client that did not answer the previous ping', () => {
    const hub = new WebSocketHub({} as TokenService, {} as CredentialsRepository, config);
    const live = new StalledSocket();
    const dead = new StalledSocket();
    const pings: string[] = [];
    live.on('ping-sent', () => {
      pings.push('live');
      live.emit('pong');
    });
    dead.on('ping-sent', () => pings.push('dead'));
    const internals = hub as unknown as { accept(socket: unknown, principal: Principal): void; beat(): void };
    internals.accept(live, principal);
    internals.accept(dead, principal);
    internals.beat();
    expect(pings.sort()).toEqual(['dead', 'live']);
    internals.beat();
    expect(dead.terminated).toBe(true);
    expect(live.terminated).toBe(false);
    expect(hub.connectionCount).toBe(1);
  });
});
