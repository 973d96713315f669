import {
  MAX_TASK_PRIORITY, MAX_TASK_RETRIES, MAX_TASK_TIMEOUT_MS, MIN_TASK_TIMEOUT_MS, type TaskAssigner, type TaskCreatedData,
} from '@hive/contracts';
import { DomainError, type Decider } from '@hive/event-store';
import { DEFAULT_RETRY_BACKOFF, retryBackoffMs, type RetryBackoffPolicy } from '../scheduling/retry-backoff';
import type { AttemptReport, DependencyStates, TaskCommand } from './task.commands';
import type { TaskEvent } from './task.events';

/**
 * The Task aggregate.
 *
 *   pending -> ready -> assigned -> running -> completed | failed | timed_out | cancelled
 *
 * - A task is `pending` until every dependency completed (MarkReady), `ready`
 *   while it waits for an agent, `assigned` once the scheduler (or an
 *   operator) gave it to an agent for one attempt, `running` once the agent
 *   started it.
 * - Attempts are numbered 1, 2, ... and every assignment starts a new one, so
 *   a report always names the attempt it is about. A report about an attempt
 *   that already ended (the task was cancelled, timed out, requeued or retried
 *   meanwhile) is decided as `[]`: late messages from an aborted run are
 *   normal in a distributed system and must be harmless, not errors. A report
 *   about an attempt that never existed is refused (`conflict`).
 * - A retriable failure, or a timeout, with automatic retries left is followed
 *   by task.retry_scheduled (notBefore = now + backoff(retry)) in the same
 *   decision; the task waits in `retry_scheduled` until its durable timer sends
 *   RetryDue, then it is ready again. Without retries left the failure is
 *   terminal.
 * - Requeue (the agent went offline, was deregistered or is draining) puts an
 *   assigned or running task back to `ready` without using a retry, as the
 *   task.requeued contract says: losing an agent is not the task's fault.
 *   The attempt number still moves on at the next assignment, so the lost
 *   agent's late reports are recognised as stale. Only MAX_FREE_REQUEUES are
 *   free: a task that keeps losing its agents (a prompt that crashes every
 *   endpoint it reaches) then has each further loss counted as a retriable
 *   failure, so it ends after maxRetries instead of circling forever.
 * - RetryTask (an operator) runs a failed, timed-out or cancelled task again
 *   with a fresh retry budget (retries used and free requeues reset to 0; the
 *   attempt number keeps counting). Its dependencies must all have completed.
 * - A dependency that ended badly takes its pending dependants with it, the
 *   outcome mirroring the cause: a cancelled dependency cancels, a failed or
 *   timed-out one fails (not retriable), the reason naming the dependency.
 *   Such a task.failed carries attempt = the attempt that could not run.
 * - Idempotent facts: MarkReady on a task that is already past pending, a
 *   duplicate StartTask, a repeated ScheduleAssignment for the assignment that
 *   was made, and DependencyFailed on a task that already ended decide `[]`.
 */
export const MAX_FREE_REQUEUES = 3;

/**
 * How early a RetryDue may arrive and still count as due. The durable timer
 * fires by the database's clock and `now` is the firing instance's clock:
 * refusing a timer that is early by clock skew alone would strand the task (a
 * fired timer is gone). Anything earlier is a confused caller and is refused.
 */
export const RETRY_DUE_CLOCK_SKEW_MS = 5_000;

interface TaskFacts {
  readonly spec: Readonly<TaskCreatedData>;
  /** Number of the latest attempt given to an agent; 0 before the first. */
  readonly attempt: number;
  /** Automatic retries used since creation or the last manual retry. */
  readonly retriesUsed: number;
  /** Free requeues used since creation or the last manual retry. */
  readonly requeues: number;
}

export type TaskState =
  | { readonly status: 'none' }
  | (TaskFacts & { readonly status: 'pending' })
  | (TaskFacts & { readonly status: 'ready' })
  | (TaskFacts & { readonly status: 'assigned'; readonly agentId: string; readonly assignedBy: TaskAssigner })
  | (TaskFacts & { readonly status: 'running'; readonly agentId: string; readonly model: string; readonly tokensSoFar: number })
  | (TaskFacts & { readonly status: 'retry_scheduled'; readonly notBefore: string })
  | (TaskFacts & { readonly status: 'completed'; readonly agentId: string; readonly promptTokens: number; readonly completionTokens: number })
  | (TaskFacts & { readonly status: 'failed'; readonly agentId?: string; readonly reason: string; readonly retriable: boolean })
  | (TaskFacts & { readonly status: 'timed_out'; readonly agentId?: string })
  | (TaskFacts & { readonly status: 'cancelled'; readonly reason: string });

type Task = Exclude<TaskState, { status: 'none' }>;
export type TaskStatus = Task['status'];
type InFlight = Extract<Task, { status: 'assigned' | 'running' }>;
type Command<T extends TaskCommand['type']> = Extract<TaskCommand, { type: T }>;

const TERMINAL: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['completed', 'failed', 'timed_out', 'cancelled']);
const isTerminal = (task: Task): boolean => TERMINAL.has(task.status);
const facts = (task: Task): TaskFacts => ({ spec: task.spec, attempt: task.attempt, retriesUsed: task.retriesUsed, requeues: task.requeues });

/** Longest reason the task.* contracts accept. */
const MAX_REASON = 2000;
const clip = (text: string): string => (text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`);

const evolve = (state: TaskState, event: TaskEvent): TaskState => {
  if (state.status === 'none') {
    // A stream starts with task.created; anything else before it cannot have been decided.
    return event.type === 'task.created' ? { status: 'pending', spec: event.data, attempt: 0, retriesUsed: 0, requeues: 0 } : state;
  }
  const task = facts(state);
  switch (event.type) {
    case 'task.created':
      return state;
    case 'task.ready':
      // From a terminal state it is an operator's RetryTask: a fresh retry budget.
      return isTerminal(state) ? { ...task, retriesUsed: 0, requeues: 0, status: 'ready' } : { ...task, status: 'ready' };
    case 'task.assigned':
      return { ...task, status: 'assigned', attempt: event.data.attempt, agentId: event.data.agentId, assignedBy: event.data.assignedBy };
    case 'task.started':
      return { ...task, status: 'running', agentId: event.data.agentId, model: event.data.model, tokensSoFar: 0 };
    case 'task.progress':
      return state.status === 'running' ? { ...state, tokensSoFar: event.data.tokensSoFar } : state;
    case 'task.completed':
      return {
        ...task, status: 'completed', agentId: event.data.agentId,
        promptTokens: event.data.promptTokens, completionTokens: event.data.completionTokens,
      };
    case 'task.failed':
      return {
        ...task, status: 'failed', attempt: Math.max(task.attempt, event.data.attempt),
        agentId: event.data.agentId, reason: event.data.reason, retriable: event.data.retriable,
      };
    case 'task.timed_out':
      return { ...task, status: 'timed_out', agentId: event.data.agentId };
    case 'task.retry_scheduled':
      return { ...task, status: 'retry_scheduled', retriesUsed: task.retriesUsed + 1, notBefore: event.data.notBefore };
    case 'task.requeued':
      return { ...task, status: 'ready', requeues: task.requeues + 1 };
    case 'task.cancelled':
      return { ...task, status: 'cancelled', reason: event.data.reason };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};

// ---- guards shared by the command functions ----

function requireTask(state: TaskState, taskId: string): Task {
  if (state.status === 'none') throw new DomainError('not_found', `task "${taskId}" does not exist`);
  return state;
}

function requireText(value: string, field: string): void {
  if (value.trim().length === 0) throw new DomainError('invalid', `${field} must not be blank`);
}

function requireAttemptNumber(attempt: number): void {
  if (!Number.isInteger(attempt) || attempt < 1) throw new DomainError('invalid', `attempt must be an integer >= 1, got ${attempt}`);
}

function parseNow(now: string): number {
  const time = Date.parse(now);
  if (Number.isNaN(time)) throw new DomainError('invalid', `now must be an ISO 8601 timestamp, got "${now}"`);
  return time;
}

/**
 * The in-flight task a report is about, or null when the report is about an
 * attempt that already ended (stale: ignore it). An attempt that never existed,
 * or the right attempt reported by the wrong agent, is refused.
 */
function currentAttempt(task: Task, report: Pick<AttemptReport, 'attempt'> & { readonly agentId?: string }): InFlight | null {
  requireAttemptNumber(report.attempt);
  if (report.attempt > task.attempt) {
    throw new DomainError('conflict', `task "${task.spec.taskId}" has no attempt ${report.attempt} (its latest is ${task.attempt})`);
  }
  if (report.attempt < task.attempt || (task.status !== 'assigned' && task.status !== 'running')) return null;
  if (report.agentId !== undefined && report.agentId !== task.agentId) {
    throw new DomainError(
      'conflict',
      `attempt ${report.attempt} of task "${task.spec.taskId}" runs on agent "${task.agentId}", not "${report.agentId}"`,
    );
  }
  return task;
}

/** Dependencies that have not completed, described for a message ("a (failed), b (unknown)"). */
function unfinishedDependencies(dependsOn: readonly string[], states: DependencyStates): string[] {
  return dependsOn.filter((id) => states[id] !== 'completed').map((id) => `"${id}" (${states[id] ?? 'unknown'})`);
}

// ---- one function per command ----

function createTask(command: Command<'CreateTask'>, state: TaskState): TaskEvent[] {
  const spec = command.data;
  if (state.status !== 'none') throw new DomainError('already_exists', `task "${spec.taskId}" already exists`);

  const problems: string[] = [];
  if (spec.title.trim().length === 0) problems.push('title must not be blank');
  if (spec.prompt.trim().length === 0) problems.push('prompt must not be blank');
  if (!Number.isInteger(spec.priority) || spec.priority < 0 || spec.priority > MAX_TASK_PRIORITY) {
    problems.push(`priority must be an integer from 0 to ${MAX_TASK_PRIORITY}, got ${spec.priority}`);
  }
  if (!Number.isInteger(spec.timeoutMs) || spec.timeoutMs < MIN_TASK_TIMEOUT_MS || spec.timeoutMs > MAX_TASK_TIMEOUT_MS) {
    problems.push(`timeoutMs must be an integer from ${MIN_TASK_TIMEOUT_MS} to ${MAX_TASK_TIMEOUT_MS}, got ${spec.timeoutMs}`);
  }
  if (!Number.isInteger(spec.maxRetries) || spec.maxRetries < 0 || spec.maxRetries > MAX_TASK_RETRIES) {
    problems.push(`maxRetries must be an integer from 0 to ${MAX_TASK_RETRIES}, got ${spec.maxRetries}`);
  }
  const capabilities = spec.requiredCapabilities.map((capability) => capability.name);
  for (const name of new Set(capabilities.filter((name, index) => capabilities.indexOf(name) !== index))) {
    problems.push(`capability "${name}" is required twice`);
  }
  for (const capability of spec.requiredCapabilities) {
    const min = capability.minProficiency;
    if (min !== undefined && !(min >= 0 && min <= 1)) problems.push(`minProficiency of "${capability.name}" must be from 0 to 1, got ${min}`);
  }
  if (spec.dependsOn.includes(spec.taskId)) problems.push(`task "${spec.taskId}" cannot depend on itself`);
  for (const id of new Set(spec.dependsOn.filter((id, index) => spec.dependsOn.indexOf(id) !== index))) {
    problems.push(`dependency "${id}" is listed twice`);
  }
  const unknown = spec.dependsOn.filter((id) => id !== spec.taskId && command.dependencyStates[id] === undefined);
  if (unknown.length > 0) problems.push(`unknown dependencies: ${unknown.map((id) => `"${id}"`).join(', ')}`);
  if (problems.length > 0) throw new DomainError('invalid', `task "${spec.taskId}" is invalid: ${problems.join('; ')}`, problems);

  const ended = spec.dependsOn.filter((id) => {
    const status = command.dependencyStates[id];
    return status === 'failed' || status === 'cancelled' || status === 'timed_out';
  });
  if (ended.length > 0) {
    const details = ended.map((id) => `dependency "${id}" is ${command.dependencyStates[id]}`);
    throw new DomainError('conflict', `task "${spec.taskId}" would wait forever: ${details.join(', ')}`, details);
  }

  const created: TaskEvent = { type: 'task.created', data: { ...spec } };
  const ready = spec.dependsOn.every((id) => command.dependencyStates[id] === 'completed');
  return ready ? [created, { type: 'task.ready', data: { taskId: spec.taskId } }] : [created];
}

function markReady(command: Command<'MarkReady'>, state: TaskState): TaskEvent[] {
  const task = requireTask(state, command.data.taskId);
  // Readiness can be concluded twice (two dependencies completing together), and means nothing once the task moved on.
  if (task.status !== 'pending') return [];
  const waiting = unfinishedDependencies(task.spec.dependsOn, command.dependencyStates);
  if (waiting.length > 0) {
    throw new DomainError('conflict', `task "${task.spec.taskId}" is not ready: dependencies not completed: ${waiting.join(', ')}`, waiting);
  }
  return [{ type: 'task.ready', data: { taskId: task.spec.taskId } }];
}

/** The operator's assignment. Allowed while the task waits for an agent, including during a retry's backoff. */
function assignTask(command: Command<'AssignTask'>, state: TaskState): TaskEvent[] {
  const task = requireTask(state, command.data.taskId);
  const id = task.spec.taskId;
  switch (task.status) {
    case 'ready':
    case 'retry_scheduled':
      return [{ type: 'task.assigned', data: { taskId: id, agentId: command.data.agentId, attempt: task.attempt + 1, assignedBy: 'manual' } }];
    case 'pending':
      throw new DomainError('conflict', `task "${id}" is pending: it can be assigned once its dependencies have completed`);
    case 'assigned':
    case 'running':
      throw new DomainError('conflict', `task "${id}" is already ${task.status} on agent "${task.agentId}" (attempt ${task.attempt})`);
    case 'completed':
    case 'failed':
    case 'timed_out':
    case 'cancelled':
      throw new DomainError('conflict', `task "${id}" is ${task.status}; a finished task cannot be assigned (retry it instead)`);
    default: {
      const exhaustive: never = task;
      return exhaustive;
    }
  }
}

/** The scheduler's assignment: only a ready task, and only for the attempt the scheduler planned. */
function scheduleAssignment(command: Command<'ScheduleAssignment'>, state: TaskState): TaskEvent[] {
  const task = requireTask(state, command.data.taskId);
  const { agentId, attempt } = command.data;
  requireAttemptNumber(attempt);
  if (task.status === 'assigned' && task.agentId === agentId && task.attempt === attempt) return [];
  if (task.status !== 'ready') throw new DomainError('conflict', `task "${task.spec.taskId}" is ${task.status}, not ready`);
  if (attempt !== task.attempt + 1) {
    throw new DomainError('conflict', `attempt ${attempt} is stale: the next attempt of task "${task.spec.taskId}" is ${task.attempt + 1}`);
  }
  return [{ type: 'task.assigned', data: { taskId: task.spec.taskId, agentId, attempt, assignedBy: 'scheduler' } }];
}

function startTask(command: Command<'StartTask'>, state: TaskState): TaskEvent[] {
  const task = currentAttempt(requireTask(state, command.data.taskId), command.data);
  if (task === null || task.status === 'running') return [];
  requireText(command.data.model, 'model');
  const { taskId, agentId, attempt, model } = command.data;
  return [{ type: 'task.started', data: { taskId, agentId, attempt, model } }];
}

function reportProgress(command: Command<'ReportProgress'>, state: TaskState): TaskEvent[] {
  const task = currentAttempt(requireTask(state, command.data.taskId), command.data);
  if (task === null) return [];
  if (task.status !== 'running') throw new DomainError('conflict', `attempt ${task.attempt} of task "${task.spec.taskId}" has not started`);
  const { taskId, agentId, attempt, tokensSoFar, elapsedMs } = command.data;
  if (!Number.isInteger(tokensSoFar) || tokensSoFar < 0 || !(elapsedMs >= 0)) {
    throw new DomainError('invalid', `progress must have tokensSoFar >= 0 (integer) and elapsedMs >= 0, got ${tokensSoFar} and ${elapsedMs}`);
  }
  // An older progress report overtaken by a newer one says nothing new.
  if (tokensSoFar < task.tokensSoFar) return [];
  return [{ type: 'task.progress', data: { taskId, agentId, attempt, tokensSoFar, elapsedMs } }];
}

/** A completion while assigned is accepted too: a fast agent's start report may have been lost. */
function reportCompleted(command: Command<'ReportCompleted'>, state: TaskState): TaskEvent[] {
  const task = currentAttempt(requireTask(state, command.data.taskId), command.data);
  if (task === null) return [];
  const report = command.data;
  requireText(report.model, 'model');
  const counts = [report.promptTokens, report.completionTokens];
  if (!counts.every((count) => Number.isInteger(count) && count >= 0) || !(report.tokensPerSecond >= 0) || !(report.responseTimeMs >= 0)) {
    throw new DomainError('invalid', 'token counts must be integers >= 0, tokensPerSecond and responseTimeMs numbers >= 0');
  }
  return [{ type: 'task.completed', data: { ...report } }];
}

function reportFailed(command: Command<'ReportFailed'>, state: TaskState, backoff: RetryBackoffPolicy): TaskEvent[] {
  const task = currentAttempt(requireTask(state, command.data.taskId), command.data);
  if (task === null) return [];
  const { taskId, agentId, attempt, reason, retriable } = command.data;
  requireText(reason, 'reason');
  const now = parseNow(command.now);
  return [
    { type: 'task.failed', data: { taskId, agentId, attempt, reason: clip(reason), retriable } },
    ...retryIfAllowed(task, retriable, now, backoff),
  ];
}

/** The task's timer fired for an attempt. Timeouts are always worth a retry (the next agent may be faster). */
function timeOut(command: Command<'TimeOut'>, state: TaskState, backoff: RetryBackoffPolicy): TaskEvent[] {
  const task = currentAttempt(requireTask(state, command.data.taskId), command.data);
  if (task === null) return [];
  const now = parseNow(command.now);
  return [
    { type: 'task.timed_out', data: { taskId: task.spec.taskId, agentId: task.agentId, attempt: task.attempt, timeoutMs: task.spec.timeoutMs } },
    ...retryIfAllowed(task, true, now, backoff),
  ];
}

function retryIfAllowed(task: Task, retriable: boolean, now: number, backoff: RetryBackoffPolicy): TaskEvent[] {
  if (!retriable || task.retriesUsed >= task.spec.maxRetries) return [];
  const notBefore = new Date(now + retryBackoffMs(task.retriesUsed + 1, backoff)).toISOString();
  return [{ type: 'task.retry_scheduled', data: { taskId: task.spec.taskId, attempt: task.attempt + 1, notBefore } }];
}

function cancelTask(command: Command<'CancelTask'>, state: TaskState): TaskEvent[] {
  const task = requireTask(state, command.data.taskId);
  if (isTerminal(task)) throw new DomainError('conflict', `task "${task.spec.taskId}" is already ${task.status}; only an unfinished task can be cancelled`);
  requireText(command.data.reason, 'reason');
  return [{ type: 'task.cancelled', data: { taskId: task.spec.taskId, reason: clip(command.data.reason) } }];
}

function retryTask(command: Command<'RetryTask'>, state: TaskState): TaskEvent[] {
  const task = requireTask(state, command.data.taskId);
  const id = task.spec.taskId;
  if (task.status === 'completed') throw new DomainError('conflict', `task "${id}" completed; create a new task to run it again`);
  if (!isTerminal(task)) {
    throw new DomainError('conflict', `task "${id}" is ${task.status}; only a failed, timed-out or cancelled task can be retried`);
  }
  const waiting = unfinishedDependencies(task.spec.dependsOn, command.dependencyStates);
  if (waiting.length > 0) {
    throw new DomainError('conflict', `task "${id}" can be retried once its dependencies have completed: ${waiting.join(', ')}`, waiting);
  }
  return [{ type: 'task.ready', data: { taskId: id } }];
}

function requeue(command: Command<'Requeue'>, state: TaskState, backoff: RetryBackoffPolicy): TaskEvent[] {
  const task = currentAttempt(requireTask(state, command.data.taskId), command.data);
  if (task === null) return [];
  const { taskId, agentId, attempt, reason } = command.data;
  requireText(reason, 'reason');
  const now = parseNow(command.now);
  if (task.requeues < MAX_FREE_REQUEUES) return [{ type: 'task.requeued', data: { taskId, previousAgentId: agentId, reason: clip(reason) } }];
  const counted = `${reason} (the task lost its agent ${task.requeues + 1} times; this loss counts as a failed attempt)`;
  return [
    { type: 'task.failed', data: { taskId, agentId, attempt, reason: clip(counted), retriable: true } },
    ...retryIfAllowed(task, true, now, backoff),
  ];
}

function retryDue(command: Command<'RetryDue'>, state: TaskState): TaskEvent[] {
  const task = requireTask(state, command.data.taskId);
  requireAttemptNumber(command.data.attempt);
  const now = parseNow(command.now);
  // A timer for a retry that was overtaken (cancelled, assigned by hand, an older retry) has nothing left to do.
  if (task.status !== 'retry_scheduled' || command.data.attempt !== task.attempt + 1) return [];
  if (now < Date.parse(task.notBefore) - RETRY_DUE_CLOCK_SKEW_MS) {
    throw new DomainError('conflict', `the retry of task "${task.spec.taskId}" is due at ${task.notBefore}, not at ${command.now}`);
  }
  return [{ type: 'task.ready', data: { taskId: task.spec.taskId } }];
}

function dependencyFailed(command: Command<'DependencyFailed'>, state: TaskState): TaskEvent[] {
  const task = requireTask(state, command.data.taskId);
  const { taskId, dependencyId, outcome, reason } = command.data;
  if (!task.spec.dependsOn.includes(dependencyId)) throw new DomainError('invalid', `task "${taskId}" does not depend on "${dependencyId}"`);
  if (isTerminal(task)) return [];
  if (task.status !== 'pending') {
    throw new DomainError('conflict', `task "${taskId}" is ${task.status}: its dependencies completed, so "${dependencyId}" cannot have ${outcome}`);
  }
  switch (outcome) {
    case 'cancelled':
      return [{ type: 'task.cancelled', data: { taskId, reason: clip(`dependency "${dependencyId}" was cancelled: ${reason}`) } }];
    case 'failed':
    case 'timed_out': {
      const what = outcome === 'failed' ? 'failed' : 'timed out';
      return [{
        type: 'task.failed',
        data: { taskId, attempt: task.attempt + 1, reason: clip(`dependency "${dependencyId}" ${what}: ${reason}`), retriable: false },
      }];
    }
    default: {
      const exhaustive: never = outcome;
      return exhaustive;
    }
  }
}

/** The Task decider, with the backoff policy of its automatic retries. */
export function createTaskDecider(backoff: RetryBackoffPolicy = DEFAULT_RETRY_BACKOFF): Decider<TaskState, TaskCommand, TaskEvent> {
  return {
    initialState: () => ({ status: 'none' }),
    evolve,
    decide: (command, state) => {
      switch (command.type) {
        case 'CreateTask':
          return createTask(command, state);
        case 'MarkReady':
          return markReady(command, state);
        case 'AssignTask':
          return assignTask(command, state);
        case 'ScheduleAssignment':
          return scheduleAssignment(command, state);
        case 'StartTask':
          return startTask(command, state);
        case 'ReportProgress':
          return reportProgress(command, state);
        case 'ReportCompleted':
          return reportCompleted(command, state);
        case 'ReportFailed':
          return reportFailed(command, state, backoff);
        case 'TimeOut':
          return timeOut(command, state, backoff);
        case 'CancelTask':
          return cancelTask(command, state);
        case 'RetryTask':
          return retryTask(command, state);
        case 'Requeue':
          return requeue(command, state, backoff);
        case 'RetryDue':
          return retryDue(command, state);
        case 'DependencyFailed':
          return dependencyFailed(command, state);
        default: {
          const exhaustive: never = command;
          return exhaustive;
        }
      }
    },
  };
}

export const taskDecider = createTaskDecider();

export const taskStreamId = (tenant: string, taskId: string): string => `task-${tenant}-${taskId}`;
