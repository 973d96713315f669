import { Logger } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { randomUUID } from 'node:crypto';
import { LeasedLoop, schemaIdent } from '@hive/event-store';
import { SHARED_AGENT_TENANT, type AgentView } from '../agents/agent-view';
import type { TaskCommandHandler } from '../task/task-command.handler';
import type { TaskReadModel } from '../task/task-read-model';
import { planAssignments, type SchedulableAgent } from './scheduling-policy';
import type { TenantLimits } from './tenant-limits';

export interface SchedulerOptions {
  readonly pool: Pool;
  readonly connectionString: string;
  readonly schema: string;
  readonly tasks: TaskReadModel;
  readonly agents: AgentView;
  readonly handler: TaskCommandHandler;
  readonly intervalMs: number;
  readonly batch: number;
  readonly tenantLimits: TenantLimits;
}

export const schedulerChannel = (schema: string): string => `hive_scheduler_${schema}`;

/**
 * The scheduling loop. One coordinator instance at a time holds its lease;
 * it wakes when a task becomes ready, an agent frees up or changes status
 * (NOTIFY), or after `intervalMs`. Each round, in one transaction: lock the
 * agents, read the ready tasks and what is in flight, plan with the pure
 * policy, and append the assignments. Locking the agents in the round's
 * transaction is what keeps every agent within maxConcurrent, also against
 * a manual assignment handled by another instance at the same moment.
 */
export class SchedulerService {
  private readonly logger = new Logger(SchedulerService.name);
  private readonly loop: LeasedLoop;
  private assignedTotal = 0;
  private lastWaiting = new Map<string, string>();

  constructor(private readonly options: SchedulerOptions) {
    this.loop = new LeasedLoop({
      name: SchedulerService.name,
      lease: { connectionString: options.connectionString, key: `hive-scheduler.${options.schema}`, retryMs: 500, listen: [schedulerChannel(options.schema)] },
      onAcquire: async () => this.logger.log('holding the scheduler lease'),
      // A round that assigned something may have left work (more ready tasks than the batch): go again at once.
      step: async () => ((await this.round()) > 0 ? 'again' : options.intervalMs),
    });
  }

  get assigned(): number {
    return this.assignedTotal;
  }

  /** Why each waiting task of the last round waits (task id -> reason). */
  get waiting(): ReadonlyMap<string, string> {
    return this.lastWaiting;
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One scheduling round; returns how many tasks it assigned. */
  async round(): Promise<number> {
    const tx = await this.options.pool.connect();
    try {
      await tx.query('BEGIN');
      const agents = await this.options.agents.lockSchedulable(tx);
      const ready = await this.options.tasks.ready(tx, this.options.batch);
      if (ready.length === 0 || agents.length === 0) {
        await tx.query('COMMIT');
        return 0;
      }
      const active = await this.activeByAgent(tx);
      const usage = await this.options.tasks.tenantUsage(tx, [...new Set(ready.map((task) => task.tenant))]);
      const tenants = [...new Set(ready.map((task) => task.tenant))].map((tenant) =>
        this.options.tenantLimits.quota(tenant, usage.get(tenant) ?? { active: 0, reserved: 0, used: 0 }));
      const schedulable: SchedulableAgent[] = agents.map((agent) => ({ ...agent, active: active.get(`${agent.tenant}/${agent.agentId}`) ?? 0 }));
      const plan = planAssignments({ tasks: ready, agents: schedulable, tenants });
      const correlationId = randomUUID();
      const traces = new Map(ready.map((task) => [`${task.tenant}/${task.taskId}`, task.traceHeaders]));
      // The whole round's assignments are decided and appended together, a few round trips whatever their number.
      // Each assignment continues the trace that created its task, so the run on the agent joins the client's request.
      const results = await this.options.handler.executeBatch(tx, plan.assignments.map((assignment) => ({
        tenant: assignment.tenant,
        meta: { correlationId, causationId: null, headers: traces.get(`${assignment.tenant}/${assignment.taskId}`) },
        command: { type: 'ScheduleAssignment' as const, data: { taskId: assignment.taskId, agentId: assignment.agentId, attempt: assignment.attempt } },
      })));
      const refused = results.find((result) => !result.ok);
      // The plan only holds ready tasks read in this transaction: a refusal means the table and the streams disagree.
      if (refused && !refused.ok) throw refused.error;
      await tx.query('COMMIT');
      this.assignedTotal += plan.assignments.length;
      this.lastWaiting = new Map(plan.waiting.map((waiting) => [waiting.taskId, waiting.reason]));
      return plan.assignments.length;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      tx.release();
    }
  }

  /** In-flight tasks per agent, keyed `owner tenant/agent id`: a task runs on its tenant's own agent of that id, else on the shared one. */
  private async activeByAgent(tx: PoolClient): Promise<Map<string, number>> {
    const s = schemaIdent(this.options.schema);
    const { rows } = await tx.query<{ owner: string; agent_id: string; n: number }>(
      `SELECT CASE WHEN EXISTS (SELECT 1 FROM ${s}.agents a WHERE a.tenant = t.tenant AND a.agent_id = t.agent_id) THEN t.tenant ELSE $1 END AS owner,
              t.agent_id, count(*)::int AS n
       FROM ${s}.tasks t WHERE t.status IN ('assigned', 'running') GROUP BY 1, 2`,
      [SHARED_AGENT_TENANT],
    );
    return new Map(rows.map((row) => [`${row.owner}/${row.agent_id}`, row.n]));
  }
}
