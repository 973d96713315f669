import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IsIn, IsOptional } from 'class-validator';
import { MCP_SERVER_STATUSES, MCP_TRANSPORTS, McpServerSpecData, RegisterMcpServer, type RegisterMcpServerData } from '@hive/contracts';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { RequirePermission } from '../auth/permission.decorator';
import type { Principal } from '../auth/principal';
import { CommandBus } from '../commands/command-bus';
import { commandReply } from '../commands/command-response';
import { notFound, pathId } from '../common/id-param';
import type { Page } from '../common/list-page';
import { ListQueryDto } from '../common/list-query.dto';
import { McpServersReadModel, type McpServerView } from './mcp-servers.read-model';

export class RegisterMcpServerDto extends McpServerSpecData {}

export class ListMcpServersQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: MCP_SERVER_STATUSES }) @IsOptional() @IsIn(MCP_SERVER_STATUSES) status?: string;
  @ApiPropertyOptional({ enum: MCP_TRANSPORTS }) @IsOptional() @IsIn(MCP_TRANSPORTS) transport?: string;
  @ApiPropertyOptional({ enum: ['registeredAt', 'id'], default: 'registeredAt' }) @IsOptional() @IsIn(['registeredAt', 'id']) sort?: string;
}

@ApiTags('mcp')
@ApiBearerAuth()
@Controller('api/mcp/servers')
export class McpServersController {
  constructor(private readonly bus: CommandBus, private readonly servers: McpServersReadModel) {}

  @Post()
  @RequirePermission('mcp.manage')
  @ApiOperation({ summary: 'Register an MCP server (Streamable HTTP or stdio)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async register(@CurrentPrincipal() principal: Principal, @Body() body: RegisterMcpServerDto, @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    const data = { ...body } as RegisterMcpServerData;
    const response = await this.bus.execute({
      principal, definition: RegisterMcpServer, data, key: data.serverId, idempotencyKey, instance: request.url.split('?')[0], request: { body: request.body ?? null, query: request.query }, readModel: 'mcp_servers', successStatus: 201,
      read: () => this.servers.get(principal.tenant, data.serverId),
    });
    if (response.status === 201) void reply.header('location', `/api/mcp/servers/${encodeURIComponent(String((response.body as { id?: unknown }).id))}`);
    return commandReply(reply, response);
  }

  @Get()
  @RequirePermission('mcp.view')
  @ApiOperation({ summary: 'List registered MCP servers' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListMcpServersQueryDto): Promise<Page<McpServerView>> {
    return this.servers.list(principal.tenant, {
      limit: query.limit ?? 50, cursor: query.cursor, sort: query.sort ?? 'registeredAt', order: query.order ?? 'desc', filters: { status: query.status, transport: query.transport },
    });
  }

  @Get(':id')
  @RequirePermission('mcp.view')
  @ApiOperation({ summary: 'Get an MCP server' })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<McpServerView> {
    const server = await this.servers.get(principal.tenant, pathId(id));
    if (!server) throw notFound();
    return server;
  }
}
