import { Injectable } from '@nestjs/common';
import { HiveEventing } from '@hive/messaging';
import { listPage, type ListQuery, type ListSpec, type Page } from '../common/list-page';
import { mcpServersTable } from './mcp-servers.projection';

export interface McpServerView {
  readonly id: string;
  readonly name: string | null;
  readonly transport: string;
  readonly endpoint: string | null;
  readonly command: string | null;
  readonly args: unknown;
  readonly capabilities: unknown;
  readonly version: string;
  readonly status: string;
  readonly statusReason: string | null;
  readonly tools: unknown;
  readonly registeredAt: string;
  readonly updatedAt: string;
}

const serverView = (row: Record<string, unknown>): McpServerView => ({
  id: String(row['server_id']), name: (row['name'] as string | null) ?? null, transport: String(row['transport']), endpoint: (row['endpoint'] as string | null) ?? null,
  command: (row['command'] as string | null) ?? null, args: row['args'] ?? null, capabilities: row['capabilities'], version: String(row['version']),
  status: String(row['status']), statusReason: (row['status_reason'] as string | null) ?? null, tools: row['tools'] ?? null,
  registeredAt: (row['registered_at'] as Date).toISOString(), updatedAt: (row['updated_at'] as Date).toISOString(),
});

@Injectable()
export class McpServersReadModel {
  private readonly spec: ListSpec;

  constructor(private readonly eventing: HiveEventing) {
    this.spec = {
      table: mcpServersTable(eventing.schema), idColumn: 'server_id',
      sorts: { registeredAt: { column: 'registered_at', type: 'timestamptz' }, id: { column: 'server_id', type: 'text' } },
      filters: { status: 'status', transport: 'transport' },
    };
  }

  async get(tenant: string, serverId: string): Promise<McpServerView | undefined> {
    const { rows } = await this.eventing.pool.query(`SELECT * FROM ${this.spec.table} WHERE tenant = $1 AND server_id = $2`, [tenant, serverId]);
    return rows[0] ? serverView(rows[0] as Record<string, unknown>) : undefined;
  }

  list(tenant: string, query: ListQuery): Promise<Page<McpServerView>> {
    return listPage(this.eventing.pool, this.spec, [tenant], query, serverView);
  }
}
