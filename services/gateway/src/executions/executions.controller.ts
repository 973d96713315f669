import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CancelExecution, RetryExecution } from '@hive/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { CommandBus } from '../commands/command-bus';
import { commandReply } from '../commands/command-response';
import { notFound, pathId } from '../common/id-param';
import type { Page } from '../common/list-page';
import { CancelExecutionDto, ListExecutionsQueryDto, RetryExecutionDto } from './executions.dto';
import { ExecutionsReadModel, type ExecutionView } from './executions.read-model';

const IDEMPOTENCY = { name: 'Idempotency-Key', required: false };

@ApiTags('executions')
@ApiBearerAuth()
@Controller('api/executions')
export class ExecutionsController {
  constructor(private readonly bus: CommandBus, private readonly executions: ExecutionsReadModel) {}

  @Get()
  @RequirePermission('executions.view')
  @ApiOperation({ summary: 'List workflow executions' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListExecutionsQueryDto): Promise<Page<ExecutionView>> {
    return this.executions.list(principal.tenant, {
      limit: query.limit ?? 50, cursor: query.cursor, sort: query.sort ?? 'startedAt', order: query.order ?? 'desc', filters: { workflowId: query.workflowId, status: query.status },
    });
  }

  @Get(':id')
  @RequirePermission('executions.view')
  @ApiOperation({ summary: 'Get an execution with per-node state' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ExecutionView> {
    const execution = await this.executions.get(principal.tenant, pathId(id));
    if (!execution) throw notFound();
    return execution;
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission('executions.manage')
  @ApiOperation({ summary: 'Cancel a running execution' })
  @ApiHeader(IDEMPOTENCY)
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: CancelExecutionDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const executionId = await this.existing(principal, id);
    return commandReply(reply, await this.bus.execute({
      principal, definition: CancelExecution, data: { executionId, reason: body.reason ?? `cancelled by ${principal.subject}` }, key: executionId,
      idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'executions', read: () => this.executions.get(principal.tenant, executionId),
    }));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @RequirePermission('executions.manage')
  @ApiOperation({ summary: 'Resume a failed execution from a node' })
  @ApiHeader(IDEMPOTENCY)
  async retry(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: RetryExecutionDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const executionId = await this.existing(principal, id);
    return commandReply(reply, await this.bus.execute({
      principal, definition: RetryExecution, data: { executionId, ...(body.fromNode ? { fromNode: body.fromNode } : {}) }, key: executionId,
      idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'executions', read: () => this.executions.get(principal.tenant, executionId),
    }));
  }

  private async existing(principal: Principal, id: string): Promise<string> {
    const execution = await this.executions.get(principal.tenant, pathId(id));
    if (!execution) throw notFound();
    return execution.id;
  }
}
