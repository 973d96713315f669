import { randomUUID } from 'node:crypto';
import { All, Controller, Headers, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StartExecution, type JsonObject } from '@hive/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { CommandBus } from '../commands/command-bus';
import { SignalsService } from '../commands/signals.service';
import { GatewayConfig } from '../config/gateway.config';
import { ApiProblem } from '../problem/api-problem.exception';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { WebhooksConfig } from './webhooks.config';
import { webhookSignal } from './webhooks.projection';
import { WebhooksReadModel, webhookExecutionId, type WebhookResult } from './webhooks.read-model';

/** Request headers that carry the caller's credentials: never copied into the execution (its events are durable). */
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'cookie', 'proxy-authorization']);

/** The trigger item n8n's Webhook node emits: `{ headers, params, query, body }`. */
export function webhookInput(request: Pick<FastifyRequest, 'headers' | 'query' | 'body'>): JsonObject {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || SECRET_HEADERS.has(name)) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const body = request.body === undefined || request.body === null ? {} : request.body;
  return { headers, params: {}, query: (request.query ?? {}) as JsonObject, body: body as JsonObject };
}

/**
 * n8n's production webhook URL: /webhook/{path} runs the tenant's active
 * workflow whose Webhook node listens on that method and path. Unlike n8n,
 * the caller must authenticate (bearer token or API key with
 * executions.start) and is rate limited per credential; the workflow is
 * looked up in the caller's tenant only (docs/adr/0003, "Webhooks").
 */
// Not in the OpenAPI document: a catch-all per-workflow URL has no fixed shape to describe (README, "Workflows").
@ApiExcludeController()
@Controller('webhook')
export class WebhooksController {
  constructor(
    private readonly bus: CommandBus,
    private readonly webhooks: WebhooksReadModel,
    private readonly signals: SignalsService,
    private readonly limiter: RateLimiter,
    private readonly gateway: GatewayConfig,
    private readonly config: WebhooksConfig,
  ) {}

  @All('*')
  @RequirePermission('executions.start')
  async receive(@CurrentPrincipal() principal: Principal, @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.rateLimit(principal, reply);
    const instance = request.url.split('?')[0];
    const path = decodeURIComponent(instance.replace(/^\/webhook\/?/, ''));
    const hook = await this.webhooks.resolve(principal.tenant, request.method.toUpperCase(), path);
    const executionId = webhookExecutionId(principal.tenant, principal.subject, idempotencyKey, randomUUID);
    const waits = hook.responseMode !== 'onReceived';
    if (waits) await this.webhooks.expect(principal.tenant, executionId, hook.responseMode);
    // Listen for the answer before the start is sent: a quick workflow may answer before the command's outcome is read.
    const abort = new AbortController();
    const answer = waits
      ? this.signals.waitFor(webhookSignal(executionId), this.config.WEBHOOK_RESPONSE_TIMEOUT_MS, () => this.webhooks.result(principal.tenant, executionId),
        { signal: abort.signal, checkFirst: false })
      : Promise.resolve(undefined);
    // Handled now (a database error while the start is still being sent must not be an unhandled rejection); awaited below.
    answer.catch(() => undefined);
    let started: Awaited<ReturnType<CommandBus['execute']>>;
    try {
      started = await this.bus.execute({
        principal, definition: StartExecution, key: executionId, idempotencyKey, instance, request: { method: request.method, body: request.body ?? null, query: request.query },
        data: { executionId, workflowId: hook.workflowId, workflowVersion: hook.version, triggerNode: hook.nodeName, input: webhookInput(request) },
        read: () => Promise.resolve({ executionId }),
      });
    } catch (error) {
      abort.abort();
      await answer.catch(() => undefined);
      throw error;
    }
    void reply.header('x-hive-execution-id', executionId);
    if (started.status >= 400 || !waits) {
      abort.abort();
      await answer.catch(() => undefined);
      if (started.status >= 400) await reply.status(started.status).header('content-type', 'application/problem+json').send(started.body);
      else await reply.status(200).send({ message: 'Workflow was started' });
      return;
    }
    // A replayed start (a retry with the same Idempotency-Key) may have its answer already.
    const result = (started.replayed ? await this.webhooks.result(principal.tenant, executionId) : undefined) ?? await answer;
    abort.abort();
    if (!result) {
      throw new ApiProblem('timeout', `execution ${executionId} has not answered within ${this.config.WEBHOOK_RESPONSE_TIMEOUT_MS} ms; it keeps running. `
        + 'Retrying with the same Idempotency-Key waits for the same execution instead of starting another.', { retryAfterSeconds: 1 });
    }
    await this.answer(reply, hook.responseMode, executionId, result);
  }

  private async answer(reply: FastifyReply, mode: 'lastNode' | 'responseNode', executionId: string, result: WebhookResult): Promise<void> {
    switch (result.status) {
      case 'responded': {
        for (const [name, value] of Object.entries(result.headers)) void reply.header(name, value);
        void reply.status(result.statusCode);
        if (result.body === undefined || result.body === null) {
          await reply.send();
        } else if (typeof result.body === 'string') {
          await reply.send(result.body);
        } else {
          if (!reply.hasHeader('content-type')) void reply.header('content-type', 'application/json; charset=utf-8');
          await reply.send(JSON.stringify(result.body));
        }
        return;
      }
      case 'completed':
        if (mode === 'responseNode') throw failure(`execution ${executionId} finished without running a Respond to Webhook node`);
        // n8n's default responseData (firstEntryJson): the last node's first item's json.
        if (!result.output) throw failure('No item to return was found');
        await reply.status(200).send(result.output);
        return;
      case 'failed':
        // The engine's errors name their node already ("Stop: out of stock"); name it when one does not.
        throw failure(result.failedNode && !result.error.startsWith(`${result.failedNode}: `) ? `${result.failedNode}: ${result.error}` : result.error);
      case 'cancelled':
        throw failure(`execution ${executionId} was cancelled`);
    }
  }

  private async rateLimit(principal: Principal, reply: FastifyReply): Promise<void> {
    const limit = this.config.WEBHOOK_RATE_LIMIT;
    const decision = await this.limiter.take(`${principal.tenant}:${principal.subject}:webhook`, limit);
    void reply.header('ratelimit-limit', String(limit)).header('ratelimit-remaining', String(decision.remaining));
    if (!decision.allowed) {
      throw new ApiProblem('rate_limited', `webhooks allow ${limit} calls per ${this.gateway.RATE_LIMIT_WINDOW_MS / 1000} s per credential`,
        { retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) });
    }
  }
}

/** The execution's error as a 500 problem (the workflow failed, not the gateway). */
function failure(detail: string): ApiProblem {
  return new ApiProblem('internal', detail, { details: ['the workflow execution failed; see GET /api/executions/{id} (X-Hive-Execution-Id)'] });
}
