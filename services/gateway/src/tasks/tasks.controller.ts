import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AssignTask, CancelTask, CreateTask, RetryTask, type CreateTaskData } from '@hive/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { CommandBus } from '../commands/command-bus';
import { commandReply } from '../commands/command-response';
import { notFound, pathId } from '../common/id-param';
import type { Page } from '../common/list-page';
import { AssignTaskDto, CancelTaskQueryDto, CreateTaskDto, ListTasksQueryDto, RetryTaskDto } from './tasks.dto';
import { TasksReadModel, type TaskView } from './tasks.read-model';

const IDEMPOTENCY = { name: 'Idempotency-Key', required: false, description: 'A repeat with the same key returns the first outcome and sends nothing new.' };

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly bus: CommandBus, private readonly tasks: TasksReadModel) {}

  @Post()
  @RequirePermission('tasks.create')
  @ApiOperation({ summary: 'Create a task' })
  @ApiHeader(IDEMPOTENCY)
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateTaskDto, @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const taskId = body.id ?? randomUUID();
    const data: CreateTaskData = {
      taskId, title: body.title, type: body.type ?? 'general', priority: body.priority ?? 5,
      requiredCapabilities: (body.requiredCapabilities ?? []).map((c) => ({ name: c.name, ...(c.minProficiency !== undefined ? { minProficiency: c.minProficiency } : {}) })),
      prompt: body.prompt, dependsOn: body.dependsOn ?? [], timeoutMs: body.timeoutMs ?? 300_000, maxRetries: body.maxRetries ?? 2,
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.system !== undefined ? { system: body.system } : {}),
      ...(body.model !== undefined ? { model: body.model } : {}),
      ...(body.payload !== undefined ? { payload: body.payload as CreateTaskData['payload'] } : {}),
    };
    const response = await this.bus.execute({
      principal, definition: CreateTask, data, key: taskId, idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'tasks', successStatus: 201,
      read: () => this.tasks.get(principal.tenant, taskId),
    });
    if (response.status === 201) void reply.header('location', `/api/tasks/${encodeURIComponent(String((response.body as { id?: unknown }).id))}`);
    return commandReply(reply, response);
  }

  @Get()
  @RequirePermission('tasks.view')
  @ApiOperation({ summary: 'List tasks (filter, sort, cursor pages)' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListTasksQueryDto): Promise<Page<TaskView>> {
    return this.tasks.list(principal.tenant, {
      limit: query.limit ?? 50, cursor: query.cursor, sort: query.sort ?? 'createdAt', order: query.order ?? 'desc',
      filters: { status: query.status, type: query.type, agentId: query.agentId },
    });
  }

  @Get(':id')
  @RequirePermission('tasks.view')
  @ApiOperation({ summary: 'Get a task and its status' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TaskView> {
    const task = await this.tasks.get(principal.tenant, pathId(id));
    if (!task) throw notFound();
    return task;
  }

  @Put(':id/assign')
  @RequirePermission('tasks.manage')
  @ApiOperation({ summary: 'Assign a ready task to an agent by hand' })
  @ApiHeader(IDEMPOTENCY)
  async assign(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: AssignTaskDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const taskId = await this.existing(principal, id);
    return commandReply(reply, await this.bus.execute({
      principal, definition: AssignTask, data: { taskId, agentId: body.agentId }, key: taskId, idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'tasks',
      read: () => this.tasks.get(principal.tenant, taskId),
    }));
  }

  @Delete(':id')
  @RequirePermission('tasks.manage')
  @ApiOperation({ summary: 'Cancel a task' })
  @ApiHeader(IDEMPOTENCY)
  async cancel(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: CancelTaskQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const taskId = await this.existing(principal, id);
    return commandReply(reply, await this.bus.execute({
      principal, definition: CancelTask, data: { taskId, reason: query.reason ?? `cancelled by ${principal.subject}` }, key: taskId, idempotencyKey,
      instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'tasks', read: () => this.tasks.get(principal.tenant, taskId),
    }));
  }

  @Post(':id/retry')
  @HttpCode(200)
  @RequirePermission('tasks.manage')
  @ApiOperation({ summary: 'Run a failed, timed-out or cancelled task again' })
  @ApiHeader(IDEMPOTENCY)
  async retry(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: RetryTaskDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const taskId = await this.existing(principal, id);
    return commandReply(reply, await this.bus.execute({
      principal, definition: RetryTask, data: { taskId, ...(body.reason ? { reason: body.reason } : {}) }, key: taskId, idempotencyKey,
      instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'tasks', read: () => this.tasks.get(principal.tenant, taskId),
    }));
  }

  /** Commands only go out for the caller's own tasks: another tenant's task is a 404, never a command. */
  private async existing(principal: Principal, id: string): Promise<string> {
    const task = await this.tasks.get(principal.tenant, pathId(id));
    if (!task) throw notFound();
    return task.id;
  }
}
