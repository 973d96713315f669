import type { AssignTaskData, CancelTaskData, CreateTaskData, RetryTaskData } from '@hive/contracts';

/**
 * Where a task's dependency stands, as the command's handler read it from the
 * coordinator's task read model (the decider cannot read other streams).
 * `active`: exists and has not finished (pending, ready, assigned, running,
 * waiting for a retry). A dependency missing from the map does not exist.
 */
export type DependencyStatus = 'active' | 'completed' | 'failed' | 'cancelled' | 'timed_out';
export type DependencyStates = Readonly<Record<string, DependencyStatus>>;

/** How a dependency ended when it takes its dependants down with it. */
export type DependencyOutcome = 'failed' | 'cancelled' | 'timed_out';

/**
 * Every command the Task decider handles. The first four carry the public
 * contracts' data (from clients through the gateway); the others are internal:
 * sent by the scheduler, the agent runtime's reports, the durable timers and the
 * dependency process manager. `now` (ISO 8601) comes in with the commands whose
 * outcome depends on time; nothing in the decider reads the clock.
 */
export type TaskCommand =
  | { readonly type: 'CreateTask'; readonly data: Readonly<CreateTaskData>; readonly dependencyStates: DependencyStates }
  | { readonly type: 'MarkReady'; readonly data: { readonly taskId: string }; readonly dependencyStates: DependencyStates }
  | { readonly type: 'AssignTask'; readonly data: Readonly<AssignTaskData> }
  /** `attempt`: the attempt the assignment starts, the task's latest attempt + 1 (ReadyTask.attempt). */
  | { readonly type: 'ScheduleAssignment'; readonly data: { readonly taskId: string; readonly agentId: string; readonly attempt: number } }
  | { readonly type: 'StartTask'; readonly data: AttemptReport & { readonly model: string } }
  | { readonly type: 'ReportProgress'; readonly data: AttemptReport & { readonly tokensSoFar: number; readonly elapsedMs: number } }
  | { readonly type: 'ReportCompleted'; readonly data: CompletionReport }
  | { readonly type: 'ReportFailed'; readonly data: AttemptReport & { readonly reason: string; readonly retriable: boolean }; readonly now: string }
  /** `attempt`: the attempt whose timer fired (task.assigned's attempt). */
  | { readonly type: 'TimeOut'; readonly data: { readonly taskId: string; readonly attempt: number }; readonly now: string }
  | { readonly type: 'CancelTask'; readonly data: Readonly<CancelTaskData> }
  | { readonly type: 'RetryTask'; readonly data: Readonly<RetryTaskData>; readonly dependencyStates: DependencyStates }
  | { readonly type: 'Requeue'; readonly data: AttemptReport & { readonly reason: string }; readonly now: string }
  /** `attempt`: the attempt that will run, as in task.retry_scheduled (the failed attempt + 1); any other is stale and ignored. */
  | { readonly type: 'RetryDue'; readonly data: { readonly taskId: string; readonly attempt: number }; readonly now: string }
  | {
      readonly type: 'DependencyFailed';
      readonly data: { readonly taskId: string; readonly dependencyId: string; readonly outcome: DependencyOutcome; readonly reason: string };
    };

export type TaskCommandType = TaskCommand['type'];

/** Who reports on which attempt: reports about an attempt that already ended are ignored by the decider. */
export interface AttemptReport {
  readonly taskId: string;
  readonly agentId: string;
  readonly attempt: number;
}

export interface CompletionReport extends AttemptReport {
  readonly model: string;
  readonly result: string;
  readonly resultJson?: Readonly<Record<string, unknown>>;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly tokensPerSecond: number;
  readonly responseTimeMs: number;
}
