import type { PostgresEventStore, Queryable } from '@hive/event-store';
import type { CompiledWorkflow } from '../n8n/compiled-workflow';
import { parseN8nWorkflow } from '../n8n/parse-n8n-workflow';
import type { EngineTables } from '../persistence/engine-tables';
import type { ExecutionEvent } from './execution.events';
import { foldExecution, type ExecutionState } from './execution-state';

export const executionStream = (executionId: string): string => `execution-${executionId}`;
export const workflowStream = (workflowId: string): string => `workflow-${workflowId}`;

export interface LoadedWorkflow {
  readonly compiled: CompiledWorkflow;
  readonly name: string;
}

/** Reads executions and the workflow versions they run. Versions are immutable, so compiled ones are cached. */
export class ExecutionRepository {
  private readonly cache = new Map<string, LoadedWorkflow>();

  constructor(private readonly store: PostgresEventStore, private readonly tables: EngineTables) {}

  async workflow(db: Queryable, workflowId: string, version: number): Promise<LoadedWorkflow | undefined> {
    const key = `${workflowId}\u0000${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const row = await this.tables.versionOf(db, workflowId, version);
    if (!row) return undefined;
    const loaded = { compiled: parseN8nWorkflow(row.n8n), name: row.name };
    if (this.cache.size > 5_000) this.cache.clear();
    this.cache.set(key, loaded);
    return loaded;
  }

  async load(db: Queryable, executionId: string): Promise<{ state: ExecutionState; version: number; workflow: LoadedWorkflow; tenant: string } | undefined> {
    const read = await this.store.readStream(db, executionStream(executionId));
    if (read.events.length === 0) return undefined;
    const first = read.events[0].envelope;
    const started = first.data as { workflowId: string; workflowVersion: number };
    const workflow = await this.workflow(db, started.workflowId, started.workflowVersion);
    if (!workflow) throw new Error(`execution ${executionId} runs workflow ${started.workflowId} v${started.workflowVersion}, which is missing`);
    const events = read.events.map((r) => ({ type: r.envelope.type, data: r.envelope.data, occurredAt: r.envelope.occurredAt }) as ExecutionEvent);
    return { state: foldExecution(workflow.compiled, events), version: read.version, workflow, tenant: first.tenant };
  }
}
