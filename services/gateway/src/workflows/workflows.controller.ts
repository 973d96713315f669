import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ActivateWorkflow, DeactivateWorkflow, ImportWorkflow, StartExecution, type ImportWorkflowData, type JsonObject } from '@hive/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { CommandBus } from '../commands/command-bus';
import { commandReply } from '../commands/command-response';
import { notFound, pathId } from '../common/id-param';
import type { Page } from '../common/list-page';
import { ExecutionsReadModel } from '../executions/executions.read-model';
import { RateLimit } from '../rate-limit/rate-limits';
import { ActivateWorkflowDto, DeactivateWorkflowDto, ExecuteWorkflowDto, ImportWorkflowDto, ListWorkflowsQueryDto } from './workflows.dto';
import { WorkflowsReadModel, type WorkflowVersionView, type WorkflowView } from './workflows.read-model';

const IDEMPOTENCY = { name: 'Idempotency-Key', required: false };

@ApiTags('workflows')
@ApiBearerAuth()
@Controller('api/workflows')
export class WorkflowsController {
  constructor(private readonly bus: CommandBus, private readonly workflows: WorkflowsReadModel, private readonly executions: ExecutionsReadModel) {}

  @Post()
  @RequirePermission('workflows.create')
  @RateLimit('api.workflows.create')
  @ApiOperation({ summary: 'Import n8n workflow JSON (a new workflow, or a new version of an existing id)' })
  @ApiHeader(IDEMPOTENCY)
  async import(@CurrentPrincipal() principal: Principal, @Body() body: ImportWorkflowDto, @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const workflowId = body.id ?? randomUUID();
    const data: ImportWorkflowData = {
      workflowId, name: body.name, n8nData: body.n8nData as JsonObject,
      ...(body.description !== undefined ? { description: body.description } : {}), ...(body.activate !== undefined ? { activate: body.activate } : {}),
    };
    const response = await this.bus.execute({
      principal, definition: ImportWorkflow, data, key: workflowId, idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'workflows', successStatus: 201,
      read: () => this.workflows.get(principal.tenant, workflowId),
    });
    if (response.status === 201) void reply.header('location', `/api/workflows/${encodeURIComponent(String((response.body as { id?: unknown }).id))}`);
    return commandReply(reply, response);
  }

  @Get()
  @RequirePermission('workflows.view')
  @ApiOperation({ summary: 'List workflows' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListWorkflowsQueryDto): Promise<Page<WorkflowView>> {
    return this.workflows.list(principal.tenant, { limit: query.limit ?? 50, cursor: query.cursor, sort: query.sort ?? 'createdAt', order: query.order ?? 'desc', filters: { active: query.active } });
  }

  @Get(':id')
  @RequirePermission('workflows.view')
  @ApiOperation({ summary: 'Get a workflow with the n8n JSON of its active (or latest) version' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<WorkflowView> {
    const workflow = await this.workflows.get(principal.tenant, pathId(id));
    if (!workflow) throw notFound();
    return workflow;
  }

  @Get(':id/versions')
  @RequirePermission('workflows.view')
  @ApiOperation({ summary: "A workflow's versions, oldest first" })
  async versions(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<{ items: WorkflowVersionView[] }> {
    const workflowId = await this.existing(principal, id);
    return { items: await this.workflows.listVersions(principal.tenant, workflowId) };
  }

  @Post(':id/activate')
  @HttpCode(200)
  @RequirePermission('workflows.activate')
  @ApiOperation({ summary: 'Make a version the active one' })
  @ApiHeader(IDEMPOTENCY)
  async activate(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: ActivateWorkflowDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const workflowId = await this.existing(principal, id);
    return commandReply(reply, await this.bus.execute({
      principal, definition: ActivateWorkflow, data: { workflowId, ...(body.version !== undefined ? { version: body.version } : {}) }, key: workflowId,
      idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'workflows', read: () => this.workflows.get(principal.tenant, workflowId),
    }));
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @RequirePermission('workflows.activate')
  @ApiOperation({ summary: 'Deactivate a workflow: its triggers (webhooks, schedules) stop; running executions finish' })
  @ApiHeader(IDEMPOTENCY)
  async deactivate(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: DeactivateWorkflowDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const workflowId = await this.existing(principal, id);
    return commandReply(reply, await this.bus.execute({
      principal, definition: DeactivateWorkflow, data: { workflowId, ...(body.reason !== undefined ? { reason: body.reason } : {}) }, key: workflowId,
      idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'workflows', read: () => this.workflows.get(principal.tenant, workflowId),
    }));
  }

  @Post(':id/execute')
  @RequirePermission('executions.start')
  @RateLimit('api.executions.start')
  @ApiOperation({ summary: 'Run a workflow' })
  @ApiHeader(IDEMPOTENCY)
  async execute(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: ExecuteWorkflowDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const workflowId = await this.existing(principal, id);
    const executionId = body.executionId ?? randomUUID();
    const response = await this.bus.execute({
      principal, definition: StartExecution, key: executionId, idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'executions', successStatus: 201,
      data: { executionId, workflowId, input: (body.input ?? {}) as JsonObject, ...(body.version !== undefined ? { workflowVersion: body.version } : {}) },
      read: () => this.executions.get(principal.tenant, executionId),
    });
    if (response.status === 201) void reply.header('location', `/api/executions/${encodeURIComponent(String((response.body as { id?: unknown }).id))}`);
    return commandReply(reply, response);
  }

  private async existing(principal: Principal, id: string): Promise<string> {
    const workflow = await this.workflows.get(principal.tenant, pathId(id));
    if (!workflow) throw notFound();
    return workflow.id;
  }
}
