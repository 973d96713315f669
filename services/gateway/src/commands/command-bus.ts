import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { hiveCatalogue, type CommandRejectionCode, type Envelope, type MessageDefinition } from '@hive/contracts';
import { HiveEventing } from '@hive/messaging';
import type { Principal } from '../auth/principal';
import { GatewayConfig } from '../config/gateway.config';
import { ApiProblem, type ProblemCode } from '../problem/api-problem.exception';
import { toProblem } from '../problem/problem.filter';
import { caughtUpSignal, hasCaughtUp } from './caught-up';
import { CommandPublisher } from './command-publisher';
import { IdempotencyRepository, type StoredResponse } from './idempotency.repository';
import { findOutcome, outcomeSignal, type CommandOutcome } from './outcomes.projection';
import { SignalsService } from './signals.service';

export interface CommandRequest<TData extends object> {
  readonly principal: Principal;
  readonly definition: MessageDefinition<string, TData>;
  readonly data: TData;
  /** Kafka key: the aggregate id. */
  readonly key: string;
  readonly idempotencyKey?: string;
  /** The read model that shows the command's effect, and how to read the new state from it. */
  readonly readModel?: string;
  readonly read: () => Promise<unknown>;
  /** What the client sent (body and query), fingerprinted with the path: a key reused for another request is refused. */
  readonly request: unknown;
  /** The request path, for problem details. */
  readonly instance: string;
  /** HTTP status of a success (201 for creations). */
  readonly successStatus?: number;
}

export interface CommandResponse extends StoredResponse {
  readonly replayed: boolean;
  readonly commandId: string;
  /** Milliseconds per step (sent, outcome, read model), for the Server-Timing header. */
  readonly timings?: Readonly<Record<string, number>>;
}

/** How a domain rejection reaches the client. */
const REJECTION: Readonly<Record<CommandRejectionCode, ProblemCode>> = {
  not_found: 'not_found', already_exists: 'already_exists', invalid: 'rejected_invalid', conflict: 'conflict',
  forbidden: 'forbidden', limit_exceeded: 'limit_exceeded', unavailable: 'unavailable',
};

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The command side of the request flow: attach tenant and correlation id,
 * send the command envelope to its owning service's topic, wait for its
 * outcome, wait for the gateway's read model to show it, answer. A repeat
 * with the same Idempotency-Key returns the first outcome and sends nothing.
 */
@Injectable()
export class CommandBus {
  private readonly logger = new Logger(CommandBus.name);

  constructor(
    private readonly eventing: HiveEventing,
    private readonly publisher: CommandPublisher,
    private readonly signals: SignalsService,
    private readonly idempotency: IdempotencyRepository,
    private readonly config: GatewayConfig,
  ) {}

  async execute<TData extends object>(request: CommandRequest<TData>): Promise<CommandResponse> {
    const { principal, definition } = request;
    // The DTO was validated already; the contract check guarantees we never put an invalid command on Kafka.
    try {
      hiveCatalogue.checkData(definition.type, definition.version, request.data);
    } catch (error) {
      throw new ApiProblem('validation_failed', (error as Error).message);
    }
    let commandId: string = randomUUID();
    let send = true;
    if (request.idempotencyKey !== undefined) {
      if (!IDEMPOTENCY_KEY.test(request.idempotencyKey)) throw new ApiProblem('validation_failed', 'Idempotency-Key must be 1-255 visible ASCII characters');
      const fingerprint = createHash('sha256').update(`${principal.subject}\n${request.instance}\n${stableJson(request.request ?? null)}`).digest('hex');
      const reservation = await this.idempotency.reserve(principal.tenant, request.idempotencyKey, fingerprint, commandId, this.config.COMMAND_TIMEOUT_MS);
      switch (reservation.kind) {
        case 'new': break;
        case 'mismatch': throw new ApiProblem('idempotency_key_reused', 'this Idempotency-Key was used for a different request');
        case 'done': return { ...reservation.response, replayed: true, commandId: '' };
        case 'pending':
          commandId = reservation.commandId;
          send = false;
          break;
      }
    }
    const timings: Record<string, number> = {};
    const t0 = performance.now();
    const sentAt = Date.now();
    // The read model may apply the command's events before or after its outcome arrives: wait for both at once.
    const caughtUp = this.watchCatchUp(request.readModel, commandId);
    let outcome: CommandOutcome;
    try {
      outcome = await this.sendAndWait(request, commandId, send, timings);
    } catch (error) {
      caughtUp?.abort.abort();
      throw error;
    }
    timings['outcome'] = performance.now() - t0;
    // Split by the outcome's own timestamp (same clock on one machine; indicative across machines).
    const decidedAt = Date.parse(outcome.occurredAt);
    if (send && decidedAt > 0) timings['decided'] = Math.max(0, decidedAt - sentAt);
    const t1 = performance.now();
    const response = await this.respond(request, commandId, outcome, caughtUp);
    timings['readmodel'] = performance.now() - t1;
    if (request.idempotencyKey !== undefined) await this.idempotency.complete(principal.tenant, request.idempotencyKey, response);
    return { ...response, replayed: !send, commandId, timings };
  }

  private async sendAndWait<TData extends object>(request: CommandRequest<TData>, commandId: string, send: boolean, timings: Record<string, number>): Promise<CommandOutcome> {
    const { principal, definition } = request;
    const envelope: Envelope = {
      id: commandId, type: definition.type, version: definition.version, source: 'gateway', tenant: principal.tenant,
      occurredAt: new Date().toISOString(), correlationId: correlationIdFor(principal.subject, commandId), causationId: null, data: request.data,
    };
    const waiting = this.signals.waitFor(outcomeSignal(commandId), this.config.COMMAND_TIMEOUT_MS, () => findOutcome(this.eventing.pool, this.eventing.schema, commandId));
    if (send) {
      try {
        const t = performance.now();
        await this.publisher.publish(definition.topic, request.key, envelope);
        if (request.idempotencyKey !== undefined) await this.idempotency.markSent(principal.tenant, request.idempotencyKey);
        timings['send'] = performance.now() - t;
      } catch (error) {
        this.logger.error(`could not send ${definition.type} ${commandId}: ${(error as Error).message}`);
        if (request.idempotencyKey !== undefined) await this.idempotency.release(principal.tenant, request.idempotencyKey);
        await waiting.catch(() => undefined);
        throw new ApiProblem('unavailable', 'the command could not be sent; nothing was done, retry later', { retryAfterSeconds: 1 });
      }
    }
    const outcome = await waiting;
    if (!outcome || outcome.tenant !== principal.tenant) {
      throw new ApiProblem('timeout', `no outcome for ${definition.type} within ${this.config.COMMAND_TIMEOUT_MS} ms; retrying with the same Idempotency-Key is safe`, { retryAfterSeconds: 1 });
    }
    return outcome;
  }

  /** Starts waiting for a read model to apply a command's events; abort to stop waiting. */
  private watchCatchUp(readModel: string | undefined, commandId: string): { done: Promise<unknown>; abort: AbortController } | undefined {
    if (!readModel) return undefined;
    const abort = new AbortController();
    const done = this.signals.waitFor(caughtUpSignal(readModel, commandId), this.config.COMMAND_TIMEOUT_MS + this.config.READ_YOUR_WRITES_TIMEOUT_MS,
      async () => ((await hasCaughtUp(this.eventing.pool, this.eventing.schema, readModel, commandId)) ? true : undefined),
      { signal: abort.signal, checkFirst: false });
    return { done, abort };
  }

  private async respond<TData extends object>(request: CommandRequest<TData>, commandId: string, outcome: CommandOutcome,
    caughtUp: { done: Promise<unknown>; abort: AbortController } | undefined): Promise<StoredResponse> {
    if (outcome.type === 'command.rejected') {
      caughtUp?.abort.abort();
      const code = REJECTION[outcome.data.code ?? 'invalid'];
      // A not_found never says more than that: the reason could name another tenant's resource.
      const detail = code === 'not_found' ? 'No such resource.' : outcome.data.reason ?? 'refused';
      const problem = new ApiProblem(code, detail, { ...(code !== 'not_found' && outcome.data.details ? { details: outcome.data.details } : {}) });
      const { body } = toProblem(problem, request.instance);
      return { status: body.status, body };
    }
    if (caughtUp) {
      const bound = setTimeout(() => caughtUp.abort.abort(), this.config.READ_YOUR_WRITES_TIMEOUT_MS);
      await caughtUp.done;
      clearTimeout(bound);
    }
    const state = await request.read();
    return { status: request.successStatus ?? 200, body: state ?? { commandId, accepted: true } };
  }
}

/** The correlation id carries the user, so events a user's request caused reach the user.{id} WebSocket topic. */
export const correlationIdFor = (subject: string, commandId: string): string =>
  subject.length <= 90 && !subject.includes('|') ? `${subject}|${commandId}` : commandId;

export const subjectOfCorrelation = (correlationId: string): string | undefined => {
  const bar = correlationId.lastIndexOf('|');
  return bar > 0 ? correlationId.slice(0, bar) : undefined;
};

/** JSON with sorted keys, so equal requests have equal fingerprints. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
