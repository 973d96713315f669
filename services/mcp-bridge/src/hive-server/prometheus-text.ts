type Counts = Record<string, Record<string, number>>;
interface TaskMetrics { readonly completed: number; readonly failed: number; readonly avgResponseMs: number | null; readonly avgTokensPerSecond: number | null; readonly tokens: number }

const label = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** A tenant's figures in the Prometheus text exposition format (0.0.4). */
export function prometheusText(tenant: string, counts: Counts, tasks: TaskMetrics): string {
  const lines: string[] = [];
  const t = `tenant="${label(tenant)}"`;
  const gauge = (name: string, help: string, byStatus: Record<string, number>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [status, n] of Object.entries(byStatus)) lines.push(`${name}{${t},status="${label(status)}"} ${n}`);
  };
  gauge('hive_agents', 'Agents by status', counts['agents'] ?? {});
  gauge('hive_tasks', 'Tasks by status', counts['tasks'] ?? {});
  gauge('hive_workflows', 'Workflows by state', counts['workflows'] ?? {});
  gauge('hive_executions', 'Workflow executions by status', counts['executions'] ?? {});
  const single = (name: string, help: string, value: number | null) => {
    if (value === null) return;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name}{${t}} ${value}`);
  };
  single('hive_tasks_completed_last_hour', 'Tasks completed in the last hour', tasks.completed);
  single('hive_tasks_failed_last_hour', 'Tasks failed for good in the last hour', tasks.failed);
  single('hive_task_response_ms_avg_last_hour', 'Average response time of tasks completed in the last hour', tasks.avgResponseMs);
  single('hive_task_tokens_per_second_avg_last_hour', 'Average tokens per second of tasks completed in the last hour', tasks.avgTokensPerSecond);
  single('hive_task_tokens_last_hour', 'Tokens of tasks completed in the last hour', tasks.tokens);
  return `${lines.join('\n')}\n`;
}
