import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BenchmarkAgent, DeregisterAgent, RegisterAgent, UpdateAgent, type RegisterAgentData, type UpdateAgentData } from '@hive/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { CommandBus } from '../commands/command-bus';
import { commandReply } from '../commands/command-response';
import { notFound, pathId } from '../common/id-param';
import type { Page } from '../common/list-page';
import { RateLimit } from '../rate-limit/rate-limits';
import { BenchmarkAgentDto, DeregisterAgentQueryDto, ListAgentsQueryDto, RegisterAgentDto, UpdateAgentDto } from './agents.dto';
import { AgentsReadModel, type AgentView } from './agents.read-model';

const IDEMPOTENCY = { name: 'Idempotency-Key', required: false };

@ApiTags('agents')
@ApiBearerAuth()
@Controller('api')
export class AgentsController {
  constructor(private readonly bus: CommandBus, private readonly agents: AgentsReadModel) {}

  @Post('agents')
  @RequirePermission('agents.manage')
  @RateLimit('api.agents.register')
  @ApiOperation({ summary: 'Register an agent (the Hive registration protocol)' })
  @ApiHeader(IDEMPOTENCY)
  async register(@CurrentPrincipal() principal: Principal, @Body() body: RegisterAgentDto, @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const data = { ...body } as RegisterAgentData;
    const response = await this.bus.execute({
      principal, definition: RegisterAgent, data, key: data.agentId, idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'agents', successStatus: 201,
      read: () => this.agents.owned(principal.tenant, data.agentId),
    });
    if (response.status === 201) void reply.header('location', `/api/agents/${encodeURIComponent(String((response.body as { id?: unknown }).id))}`);
    return commandReply(reply, response);
  }

  @Get('agents')
  @RequirePermission('agents.view')
  @ApiOperation({ summary: "List the tenant's agents and the shared ones" })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAgentsQueryDto): Promise<Page<AgentView>> {
    return this.agents.list(principal.tenant, {
      limit: query.limit ?? 50, cursor: query.cursor, sort: query.sort ?? 'registeredAt', order: query.order ?? 'desc',
      filters: { status: query.status, model: query.model, provider: query.provider },
    });
  }

  @Get('status/agents')
  @RequirePermission('agents.view')
  @ApiOperation({ summary: 'Every agent status (the Hive document endpoint)' })
  async statuses(@CurrentPrincipal() principal: Principal): Promise<{ agents: Array<Pick<AgentView, 'id' | 'name' | 'status' | 'statusReason' | 'model' | 'updatedAt'>> }> {
    const agents: AgentView[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.agents.list(principal.tenant, { limit: 200, cursor, sort: 'id', order: 'asc', filters: {} });
      agents.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && agents.length < 10_000);
    return { agents: agents.map(({ id, name, status, statusReason, model, updatedAt }) => ({ id, name, status, statusReason, model, updatedAt })) };
  }

  @Get('agents/:id')
  @RequirePermission('agents.view')
  @ApiOperation({ summary: 'Get an agent' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<AgentView> {
    const agent = await this.agents.get(principal.tenant, pathId(id));
    if (!agent) throw notFound();
    return agent;
  }

  @Patch('agents/:id')
  @RequirePermission('agents.manage')
  @ApiOperation({ summary: "Change some of an agent's registration fields" })
  @ApiHeader(IDEMPOTENCY)
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdateAgentDto, @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const agentId = await this.existing(principal, id);
    const data = { ...body, agentId } as UpdateAgentData;
    return commandReply(reply, await this.bus.execute({
      principal, definition: UpdateAgent, data, key: agentId, idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'agents',
      read: () => this.agents.owned(principal.tenant, agentId),
    }));
  }

  @Delete('agents/:id')
  @RequirePermission('agents.manage')
  @ApiOperation({ summary: 'Deregister an agent' })
  @ApiHeader(IDEMPOTENCY)
  async deregister(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: DeregisterAgentQueryDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const agentId = await this.existing(principal, id);
    return commandReply(reply, await this.bus.execute({
      principal, definition: DeregisterAgent, data: { agentId, ...(query.reason ? { reason: query.reason } : {}) }, key: agentId, idempotencyKey,
      instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'agents', read: () => this.agents.owned(principal.tenant, agentId),
    }));
  }

  @Post('agents/:id/benchmark')
  @HttpCode(202)
  @RequirePermission('agents.manage')
  @ApiOperation({ summary: "Measure an agent's speed; the figures arrive as agent.benchmarked (GET the agent, or WebSocket agent.{id})" })
  @ApiHeader(IDEMPOTENCY)
  async benchmark(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: BenchmarkAgentDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const agentId = await this.existing(principal, id);
    const benchmarkId = randomUUID();
    return commandReply(reply, await this.bus.execute({
      principal, definition: BenchmarkAgent, data: { agentId, benchmarkId, ...body }, key: agentId, idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query },
      successStatus: 202, read: async () => ({ agentId, benchmarkId, status: 'accepted' }),
    }));
  }

  private async existing(principal: Principal, id: string): Promise<string> {
    const agent = await this.agents.owned(principal.tenant, pathId(id));
    if (!agent || agent.status === 'deregistered') throw notFound();
    return agent.id;
  }
}
