import type { CreateTaskData } from '@hive/contracts';
import { DomainError, fold } from '@hive/event-store';
import type { TaskCommand } from './task.commands';
import { MAX_FREE_REQUEUES, RETRY_DUE_CLOCK_SKEW_MS, createTaskDecider, taskDecider, type TaskState } from './task.decider';
import type { TaskEvent } from './task.events';

const NOW = '2025-03-01T12:00:00.000Z';
const at = (ms: number): string => new Date(Date.parse(NOW) + ms).toISOString();

const spec = (overrides: Partial<CreateTaskData> = {}): CreateTaskData => ({
  taskId: 't1',
  title: 'Review the parser',
  type: 'code_review',
  priority: 5,
  requiredCapabilities: [{ name: 'code_review', minProficiency: 0.7 }],
  prompt: 'Review this diff',
  dependsOn: [],
  timeoutMs: 60_000,
  maxRetries: 2,
  ...overrides,
});

// ---- events ----
const created = (overrides: Partial<CreateTaskData> = {}): TaskEvent => ({ type: 'task.created', data: spec(overrides) });
const ready: TaskEvent = { type: 'task.ready', data: { taskId: 't1' } };
const assigned = (attempt = 1, agentId = 'acacia', assignedBy: 'scheduler' | 'manual' = 'scheduler'): TaskEvent =>
  ({ type: 'task.assigned', data: { taskId: 't1', agentId, attempt, assignedBy } });
const started = (attempt = 1, agentId = 'acacia'): TaskEvent => ({ type: 'task.started', data: { taskId: 't1', agentId, attempt, model: 'deepseek-r1:7b' } });
const completion = (attempt = 1, agentId = 'acacia') => ({
  taskId: 't1', agentId, attempt, model: 'deepseek-r1:7b', result: 'LGTM',
  promptTokens: 120, completionTokens: 30, tokensPerSecond: 42.5, responseTimeMs: 900,
});
const completed = (attempt = 1, agentId = 'acacia'): TaskEvent => ({ type: 'task.completed', data: completion(attempt, agentId) });
const failed = (attempt = 1, retriable = true, reason = 'HTTP 503', agentId = 'acacia'): TaskEvent =>
  ({ type: 'task.failed', data: { taskId: 't1', agentId, attempt, reason, retriable } });
const timedOut = (attempt = 1, agentId = 'acacia'): TaskEvent =>
  ({ type: 'task.timed_out', data: { taskId: 't1', agentId, attempt, timeoutMs: 60_000 } });
const retryScheduled = (attempt: number, notBefore: string): TaskEvent => ({ type: 'task.retry_scheduled', data: { taskId: 't1', attempt, notBefore } });
const requeued = (previousAgentId = 'acacia', reason = 'agent acacia went offline'): TaskEvent =>
  ({ type: 'task.requeued', data: { taskId: 't1', previousAgentId, reason } });
const cancelled = (reason = 'not needed'): TaskEvent => ({ type: 'task.cancelled', data: { taskId: 't1', reason } });

// ---- commands ----
const create = (overrides: Partial<CreateTaskData> = {}, dependencyStates: Record<string, 'active' | 'completed' | 'failed' | 'cancelled' | 'timed_out'> = {}): TaskCommand =>
  ({ type: 'CreateTask', data: spec(overrides), dependencyStates });
const schedule = (attempt = 1, agentId = 'acacia'): TaskCommand => ({ type: 'ScheduleAssignment', data: { taskId: 't1', agentId, attempt } });
const start = (attempt = 1, agentId = 'acacia'): TaskCommand => ({ type: 'StartTask', data: { taskId: 't1', agentId, attempt, model: 'deepseek-r1:7b' } });
const complete = (attempt = 1, agentId = 'acacia'): TaskCommand => ({ type: 'ReportCompleted', data: completion(attempt, agentId) });
const fail = (attempt = 1, retriable = true, agentId = 'acacia'): TaskCommand =>
  ({ type: 'ReportFailed', data: { taskId: 't1', agentId, attempt, reason: 'HTTP 503', retriable }, now: NOW });
const timeOut = (attempt = 1): TaskCommand => ({ type: 'TimeOut', data: { taskId: 't1', attempt }, now: NOW });
const requeue = (attempt = 1, agentId = 'acacia'): TaskCommand =>
  ({ type: 'Requeue', data: { taskId: 't1', agentId, attempt, reason: 'agent acacia went offline' }, now: NOW });
const retryDue = (attempt: number, now: string): TaskCommand => ({ type: 'RetryDue', data: { taskId: 't1', attempt }, now });
const cancel = (reason = 'not needed'): TaskCommand => ({ type: 'CancelTask', data: { taskId: 't1', reason } });
const retry = (dependencyStates: Record<string, 'active' | 'completed' | 'failed'> = {}): TaskCommand =>
  ({ type: 'RetryTask', data: { taskId: 't1' }, dependencyStates });

/** given(events).when(command).then(events | rejection) */
const given = (events: TaskEvent[], decider = taskDecider) => ({
  when: (command: TaskCommand) => {
    const run = () => decider.decide(command, fold(decider, events));
    return {
      then: (expected: TaskEvent[]) => expect(run()).toEqual(expected),
      thenNothing: () => expect(run()).toEqual([]),
      thenRejects: (code: DomainError['code'], message: RegExp) => {
        let error: unknown;
        try {
          run();
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).message).toMatch(message);
        expect((error as DomainError).code).toBe(code);
      },
    };
  },
});

const stateAfter = (events: TaskEvent[]): TaskState => fold(taskDecider, events);

const running = [created(), ready, assigned(1), started(1)];

describe('task decider', () => {
  describe('CreateTask', () => {
    it('creates a task without dependencies and makes it ready at once', () => {
      given([]).when(create()).then([created(), ready]);
    });

    it('leaves a task pending while a dependency is still active', () => {
      given([]).when(create({ dependsOn: ['a', 'b'] }, { a: 'completed', b: 'active' })).then([created({ dependsOn: ['a', 'b'] })]);
    });

    it('makes a task ready at once when every dependency has already completed', () => {
      given([]).when(create({ dependsOn: ['a', 'b'] }, { a: 'completed', b: 'completed' })).then([created({ dependsOn: ['a', 'b'] }), ready]);
    });

    it('refuses a task id that already exists', () => {
      given([created()]).when(create()).thenRejects('already_exists', /task "t1" already exists/);
    });

    it.each([
      ['a blank prompt', { prompt: '   ' }, /prompt must not be blank/],
      ['a blank title', { title: ' ' }, /title must not be blank/],
      ['a negative priority', { priority: -1 }, /priority must be an integer from 0 to 1000, got -1/],
      ['a priority above the maximum', { priority: 1001 }, /priority must be an integer from 0 to 1000/],
      ['a fractional priority', { priority: 1.5 }, /priority must be an integer/],
      ['a zero timeout', { timeoutMs: 0 }, /timeoutMs must be an integer from 1000 to 86400000, got 0/],
      ['a timeout above a day', { timeoutMs: 86_400_001 }, /timeoutMs must be an integer from 1000/],
      ['negative retries', { maxRetries: -1 }, /maxRetries must be an integer from 0 to 10, got -1/],
      ['too many retries', { maxRetries: 11 }, /maxRetries must be an integer from 0 to 10, got 11/],
      ['a capability required twice', { requiredCapabilities: [{ name: 'code' }, { name: 'code', minProficiency: 0.5 }] }, /capability "code" is required twice/],
      ['a proficiency above 1', { requiredCapabilities: [{ name: 'code', minProficiency: 1.5 }] }, /minProficiency of "code" must be from 0 to 1/],
      ['a self-dependency', { dependsOn: ['t1'] }, /task "t1" cannot depend on itself/],
    ])('refuses %s', (_name, overrides, message) => {
      given([]).when(create(overrides)).thenRejects('invalid', message);
    });

    it('refuses a dependency listed twice', () => {
      given([]).when(create({ dependsOn: ['a', 'a'] }, { a: 'active' })).thenRejects('invalid', /dependency "a" is listed twice/);
    });

    it('refuses unknown dependencies, naming them', () => {
      given([]).when(create({ dependsOn: ['a', 'ghost', 'phantom'] }, { a: 'active' }))
        .thenRejects('invalid', /unknown dependencies: "ghost", "phantom"/);
    });

    it('reports every problem at once, with one detail each', () => {
      const run = () => taskDecider.decide(create({ prompt: '', priority: -3, maxRetries: 99 }), taskDecider.initialState());
      expect(run).toThrow(DomainError);
      try {
        run();
      } catch (error) {
        expect((error as DomainError).details).toEqual([
          'prompt must not be blank',
          'priority must be an integer from 0 to 1000, got -3',
          'maxRetries must be an integer from 0 to 10, got 99',
        ]);
      }
    });

    it.each(['failed', 'cancelled', 'timed_out'] as const)('refuses to wait for a dependency that is already %s', (status) => {
      given([]).when(create({ dependsOn: ['a', 'b'] }, { a: 'completed', b: status }))
        .thenRejects('conflict', new RegExp(`would wait forever: dependency "b" is ${status}`));
    });
  });

  describe('MarkReady', () => {
    const pending = [created({ dependsOn: ['a', 'b'] })];

    it('makes a pending task ready once every dependency completed', () => {
      given(pending).when({ type: 'MarkReady', data: { taskId: 't1' }, dependencyStates: { a: 'completed', b: 'completed' } }).then([ready]);
    });

    it('refuses while a dependency has not completed, naming it', () => {
      given(pending).when({ type: 'MarkReady', data: { taskId: 't1' }, dependencyStates: { a: 'completed', b: 'active' } })
        .thenRejects('conflict', /dependencies not completed: "b" \(active\)/);
    });

    it.each([
      ['ready', [...pending, ready]],
      ['running', [...pending, ready, assigned(), started()]],
      ['cancelled', [...pending, cancelled()]],
    ])('is harmless on a task that is already %s', (_status, events) => {
      given(events).when({ type: 'MarkReady', data: { taskId: 't1' }, dependencyStates: { a: 'completed', b: 'completed' } }).thenNothing();
    });

    it('refuses a task that does not exist', () => {
      given([]).when({ type: 'MarkReady', data: { taskId: 't1' }, dependencyStates: {} }).thenRejects('not_found', /task "t1" does not exist/);
    });
  });

  describe('AssignTask (by an operator)', () => {
    const assign: TaskCommand = { type: 'AssignTask', data: { taskId: 't1', agentId: 'walnut' } };

    it('assigns a ready task to the chosen agent as attempt 1', () => {
      given([created(), ready]).when(assign).then([assigned(1, 'walnut', 'manual')]);
    });

    it('assigns a task waiting for its retry at once, skipping the backoff', () => {
      given([...running, failed(1), retryScheduled(2, at(1000))]).when(assign).then([assigned(2, 'walnut', 'manual')]);
    });

    it('refuses a pending task', () => {
      given([created({ dependsOn: ['a'] })]).when(assign).thenRejects('conflict', /task "t1" is pending/);
    });

    it('refuses a task already on an agent', () => {
      given(running).when(assign).thenRejects('conflict', /already running on agent "acacia" \(attempt 1\)/);
    });

    it('refuses a finished task', () => {
      given([...running, completed()]).when(assign).thenRejects('conflict', /task "t1" is completed; a finished task cannot be assigned/);
    });
  });

  describe('ScheduleAssignment (by the scheduler)', () => {
    it('assigns a ready task for the planned attempt', () => {
      given([created(), ready]).when(schedule(1)).then([assigned(1)]);
    });

    it('is harmless when the same assignment arrives twice', () => {
      given([created(), ready, assigned(1)]).when(schedule(1)).thenNothing();
    });

    it('refuses when the task went to another agent meanwhile', () => {
      given([created(), ready, assigned(1, 'walnut')]).when(schedule(1, 'acacia')).thenRejects('conflict', /task "t1" is assigned, not ready/);
    });

    it('refuses a plan made for an attempt that is over', () => {
      given([...running, requeued()]).when(schedule(1, 'walnut')).thenRejects('conflict', /attempt 1 is stale: the next attempt of task "t1" is 2/);
    });

    it('refuses a task waiting for its dependencies or its retry', () => {
      given([created({ dependsOn: ['a'] })]).when(schedule(1)).thenRejects('conflict', /is pending, not ready/);
      given([...running, failed(1), retryScheduled(2, at(1000))]).when(schedule(2)).thenRejects('conflict', /is retry_scheduled, not ready/);
    });

    it('refuses a cancelled task', () => {
      given([created(), ready, cancelled()]).when(schedule(1)).thenRejects('conflict', /is cancelled, not ready/);
    });
  });

  describe('StartTask', () => {
    it('starts the assigned attempt', () => {
      given([created(), ready, assigned(1)]).when(start(1)).then([started(1)]);
    });

    it('is harmless when the start is reported twice', () => {
      given(running).when(start(1)).thenNothing();
    });

    it('ignores the start of an attempt that was requeued and reassigned', () => {
      given([...running, requeued(), assigned(2, 'walnut')]).when(start(1, 'acacia')).thenNothing();
    });

    it('ignores the start of an attempt of a cancelled task', () => {
      given([created(), ready, assigned(1), cancelled()]).when(start(1)).thenNothing();
    });

    it('refuses the current attempt reported by another agent', () => {
      given([created(), ready, assigned(1)]).when(start(1, 'walnut')).thenRejects('conflict', /attempt 1 of task "t1" runs on agent "acacia", not "walnut"/);
    });

    it('refuses an attempt that never existed', () => {
      given([created(), ready, assigned(1)]).when(start(3)).thenRejects('conflict', /task "t1" has no attempt 3 \(its latest is 1\)/);
    });

    it('refuses attempt 0', () => {
      given([created(), ready, assigned(1)]).when(start(0)).thenRejects('invalid', /attempt must be an integer >= 1/);
    });
  });

  describe('ReportProgress', () => {
    const progress = (tokensSoFar: number, attempt = 1): TaskCommand =>
      ({ type: 'ReportProgress', data: { taskId: 't1', agentId: 'acacia', attempt, tokensSoFar, elapsedMs: 500 } });

    it('records the tokens generated so far', () => {
      given(running).when(progress(64)).then([{ type: 'task.progress', data: { taskId: 't1', agentId: 'acacia', attempt: 1, tokensSoFar: 64, elapsedMs: 500 } }]);
    });

    it('ignores a report overtaken by a newer one', () => {
      given([...running, { type: 'task.progress', data: { taskId: 't1', agentId: 'acacia', attempt: 1, tokensSoFar: 100, elapsedMs: 900 } }])
        .when(progress(64)).thenNothing();
    });

    it('refuses progress of an attempt that has not started', () => {
      given([created(), ready, assigned(1)]).when(progress(1)).thenRejects('conflict', /attempt 1 of task "t1" has not started/);
    });

    it('ignores progress of an attempt that timed out', () => {
      given([...running, timedOut(1), retryScheduled(2, at(1000))]).when(progress(10)).thenNothing();
    });
  });

  describe('ReportCompleted', () => {
    it('completes the running attempt with its result and figures', () => {
      given(running).when(complete(1)).then([completed(1)]);
    });

    it('completes an attempt whose start report never arrived', () => {
      given([created(), ready, assigned(1)]).when(complete(1)).then([completed(1)]);
    });

    it('ignores a late completion of a cancelled task', () => {
      given([...running, cancelled()]).when(complete(1)).thenNothing();
    });

    it('ignores a late completion of an attempt that timed out (its retry runs instead)', () => {
      given([...running, timedOut(1), retryScheduled(2, at(1000))]).when(complete(1)).thenNothing();
    });

    it('ignores a completion reported twice', () => {
      given([...running, completed(1)]).when(complete(1)).thenNothing();
    });

    it('ignores the completion of an older attempt while a newer one runs', () => {
      given([...running, requeued(), assigned(2, 'walnut'), started(2, 'walnut')]).when(complete(1, 'acacia')).thenNothing();
    });

    it('refuses negative token counts', () => {
      given(running).when({ type: 'ReportCompleted', data: { ...completion(1), promptTokens: -1 } }).thenRejects('invalid', /token counts must be integers >= 0/);
    });

    it('refuses a completion for a task that does not exist', () => {
      given([]).when(complete(1)).thenRejects('not_found', /task "t1" does not exist/);
    });
  });

  describe('ReportFailed', () => {
    it('schedules a retry after the base backoff for a retriable failure with retries left', () => {
      given(running).when(fail(1, true)).then([failed(1, true), retryScheduled(2, at(1000))]);
    });

    it('doubles the backoff for the next retry', () => {
      given([...running, failed(1), retryScheduled(2, at(1000)), ready, assigned(2), started(2)])
        .when(fail(2, true)).then([failed(2, true), retryScheduled(3, at(2000))]);
    });

    it('fails for good once the retries are used up', () => {
      given([
        ...running, failed(1), retryScheduled(2, at(1000)), ready, assigned(2), started(2),
        failed(2), retryScheduled(3, at(2000)), ready, assigned(3), started(3),
      ]).when(fail(3, true)).then([failed(3, true)]);
    });

    it('fails for good when the failure is not retriable', () => {
      given(running).when(fail(1, false)).then([failed(1, false)]);
    });

    it('fails for good when the task allows no retries', () => {
      given([created({ maxRetries: 0 }), ready, assigned(1), started(1)]).when(fail(1, true)).then([failed(1, true)]);
    });

    it('uses the backoff policy the decider was made with', () => {
      const decider = createTaskDecider({ baseMs: 250, factor: 3, capMs: 10_000 });
      given(running, decider).when(fail(1, true)).then([failed(1, true), retryScheduled(2, at(250))]);
    });

    it('ignores a failure report of an attempt that was cancelled', () => {
      given([...running, cancelled()]).when(fail(1, true)).thenNothing();
    });

    it('refuses a blank reason', () => {
      given(running).when({ type: 'ReportFailed', data: { taskId: 't1', agentId: 'acacia', attempt: 1, reason: ' ', retriable: true }, now: NOW })
        .thenRejects('invalid', /reason must not be blank/);
    });

    it('refuses a time that is not a timestamp', () => {
      given(running).when({ type: 'ReportFailed', data: { taskId: 't1', agentId: 'acacia', attempt: 1, reason: 'x', retriable: true }, now: 'yesterday' })
        .thenRejects('invalid', /now must be an ISO 8601 timestamp/);
    });
  });

  describe('TimeOut', () => {
    it('times out the running attempt and schedules a retry', () => {
      given(running).when(timeOut(1)).then([timedOut(1), retryScheduled(2, at(1000))]);
    });

    it('times out an attempt the agent never started', () => {
      given([created(), ready, assigned(1)]).when(timeOut(1)).then([timedOut(1), retryScheduled(2, at(1000))]);
    });

    it('times out for good without retries left', () => {
      given([created({ maxRetries: 0 }), ready, assigned(1), started(1)]).when(timeOut(1)).then([timedOut(1)]);
    });

    it('ignores the timer of an attempt that already completed', () => {
      given([...running, completed(1)]).when(timeOut(1)).thenNothing();
    });

    it('ignores the timer of an attempt that was requeued', () => {
      given([...running, requeued(), assigned(2, 'walnut')]).when(timeOut(1)).thenNothing();
    });

    it('refuses the timer of an attempt that never existed', () => {
      given(running).when(timeOut(2)).thenRejects('conflict', /has no attempt 2/);
    });
  });

  describe('RetryDue', () => {
    const waiting = [...running, failed(1), retryScheduled(2, at(1000))];

    it('makes the task ready again when its retry is due, and the scheduler assigns attempt 2', () => {
      given(waiting).when(retryDue(2, at(1000))).then([ready]);
      given([...waiting, ready]).when(schedule(2, 'walnut')).then([assigned(2, 'walnut')]);
    });

    it('accepts a timer early by no more than clock skew between the database and the instance', () => {
      given(waiting).when(retryDue(2, at(1000 - RETRY_DUE_CLOCK_SKEW_MS))).then([ready]);
    });

    it('refuses a timer that fired long before the retry is due', () => {
      given(waiting).when(retryDue(2, at(999 - RETRY_DUE_CLOCK_SKEW_MS))).thenRejects('conflict', /the retry of task "t1" is due at 2025-03-01T12:00:01.000Z/);
    });

    it('ignores a timer that names the attempt that failed rather than the one that will run', () => {
      given(waiting).when(retryDue(1, at(1000))).thenNothing();
    });

    it('ignores the timer of a retry that was overtaken', () => {
      given([...waiting, cancelled()]).when(retryDue(2, at(1000))).thenNothing();
      given([...waiting, assigned(2, 'walnut', 'manual')]).when(retryDue(2, at(1000))).thenNothing();
      given(waiting).when(retryDue(3, at(5000))).thenNothing();
    });
  });

  describe('CancelTask', () => {
    it.each([
      ['pending', [created({ dependsOn: ['a'] })]],
      ['ready', [created(), ready]],
      ['assigned', [created(), ready, assigned(1)]],
      ['running', running],
      ['retry_scheduled', [...running, failed(1), retryScheduled(2, at(1000))]],
    ])('cancels a task that is %s', (_status, events) => {
      given(events).when(cancel('superseded')).then([cancelled('superseded')]);
    });

    it.each([
      ['completed', [...running, completed(1)]],
      ['failed', [...running, failed(1, false)]],
      ['timed_out', [created({ maxRetries: 0 }), ready, assigned(1), timedOut(1)]],
      ['cancelled', [created(), cancelled()]],
    ])('refuses to cancel a %s task', (status, events) => {
      given(events).when(cancel()).thenRejects('conflict', new RegExp(`task "t1" is already ${status}; only an unfinished task can be cancelled`));
    });

    it('refuses a blank reason', () => {
      given([created(), ready]).when(cancel('')).thenRejects('invalid', /reason must not be blank/);
    });

    it('refuses a task that does not exist', () => {
      given([]).when(cancel()).thenRejects('not_found', /task "t1" does not exist/);
    });
  });

  describe('RetryTask (by an operator)', () => {
    const exhausted = [created({ maxRetries: 1 }), ready, assigned(1), started(1), failed(1), retryScheduled(2, at(1000)), ready, assigned(2), started(2), failed(2)];

    it.each([
      ['failed', [...running, failed(1, false)]],
      ['timed_out', [created({ maxRetries: 0 }), ready, assigned(1), timedOut(1)]],
      ['cancelled', [created(), ready, cancelled()]],
    ])('makes a %s task ready again', (_status, events) => {
      given(events).when(retry()).then([ready]);
    });

    it('gives the task a fresh retry budget, and the attempt number keeps counting', () => {
      expect(stateAfter(exhausted)).toMatchObject({ status: 'failed', retriesUsed: 1, attempt: 2 });
      const retried = [...exhausted, ready, assigned(3), started(3)];
      expect(stateAfter(retried)).toMatchObject({ status: 'running', retriesUsed: 0, attempt: 3 });
      given(retried).when(fail(3, true)).then([failed(3, true), retryScheduled(4, at(1000))]);
    });

    it('refuses a completed task', () => {
      given([...running, completed(1)]).when(retry()).thenRejects('conflict', /task "t1" completed; create a new task to run it again/);
    });

    it('refuses a task that has not finished', () => {
      given(running).when(retry()).thenRejects('conflict', /task "t1" is running; only a failed, timed-out or cancelled task can be retried/);
    });

    it('refuses while a dependency has not completed, naming it', () => {
      given([created({ dependsOn: ['a'] }), cancelled()]).when(retry({ a: 'failed' }))
        .thenRejects('conflict', /can be retried once its dependencies have completed: "a" \(failed\)/);
    });

    it('retries a task whose dependencies have completed', () => {
      given([created({ dependsOn: ['a'] }), cancelled()]).when(retry({ a: 'completed' })).then([ready]);
    });
  });

  describe('Requeue (the agent went away)', () => {
    it('puts a running task back in the queue without using a retry', () => {
      given(running).when(requeue(1)).then([requeued()]);
      expect(stateAfter([...running, requeued()])).toMatchObject({ status: 'ready', attempt: 1, retriesUsed: 0, requeues: 1 });
    });

    it('puts an assigned task back in the queue', () => {
      given([created(), ready, assigned(1)]).when(requeue(1)).then([requeued()]);
    });

    it('gives the next assignment a new attempt number, so the lost agent is recognised as stale', () => {
      given([...running, requeued()]).when(schedule(2, 'walnut')).then([assigned(2, 'walnut')]);
      given([...running, requeued(), assigned(2, 'walnut')]).when(fail(1, true, 'acacia')).thenNothing();
    });

    it('leaves the whole retry budget after a requeue', () => {
      given([created({ maxRetries: 1 }), ready, assigned(1), started(1), requeued(), assigned(2, 'walnut'), started(2, 'walnut')])
        .when(fail(2, true, 'walnut')).then([failed(2, true, 'HTTP 503', 'walnut'), retryScheduled(3, at(1000))]);
    });

    it(`counts a loss beyond ${MAX_FREE_REQUEUES} free requeues as a retriable failure`, () => {
      const events: TaskEvent[] = [created(), ready];
      for (let attempt = 1; attempt <= MAX_FREE_REQUEUES; attempt++) events.push(assigned(attempt), requeued());
      const last = MAX_FREE_REQUEUES + 1;
      given([...events, assigned(last)]).when(requeue(last)).then([
        failed(last, true, `agent acacia went offline (the task lost its agent ${last} times; this loss counts as a failed attempt)`),
        retryScheduled(last + 1, at(1000)),
      ]);
    });

    it('fails for good when such a loss finds no retries left', () => {
      const events: TaskEvent[] = [created({ maxRetries: 0 }), ready];
      for (let attempt = 1; attempt <= MAX_FREE_REQUEUES; attempt++) events.push(assigned(attempt), requeued());
      const last = MAX_FREE_REQUEUES + 1;
      given([...events, assigned(last)]).when(requeue(last)).then([
        failed(last, true, `agent acacia went offline (the task lost its agent ${last} times; this loss counts as a failed attempt)`),
      ]);
    });

    it('ignores a requeue for an attempt that already ended', () => {
      given([...running, requeued()]).when(requeue(1)).thenNothing();
      given([...running, completed(1)]).when(requeue(1)).thenNothing();
    });

    it('refuses a requeue naming another agent than the one running the attempt', () => {
      given(running).when(requeue(1, 'walnut')).thenRejects('conflict', /runs on agent "acacia", not "walnut"/);
    });
  });

  describe('DependencyFailed (cascade)', () => {
    const pending = [created({ dependsOn: ['a', 'b'] })];
    const dependencyFailed = (outcome: 'failed' | 'cancelled' | 'timed_out', dependencyId = 'a'): TaskCommand =>
      ({ type: 'DependencyFailed', data: { taskId: 't1', dependencyId, outcome, reason: 'HTTP 400 unknown model' } });

    it('fails a pending task when a dependency failed, naming it, without retries', () => {
      given(pending).when(dependencyFailed('failed')).then([{
        type: 'task.failed', data: { taskId: 't1', attempt: 1, reason: 'dependency "a" failed: HTTP 400 unknown model', retriable: false },
      }]);
    });

    it('fails a pending task when a dependency timed out', () => {
      given(pending).when(dependencyFailed('timed_out')).then([{
        type: 'task.failed', data: { taskId: 't1', attempt: 1, reason: 'dependency "a" timed out: HTTP 400 unknown model', retriable: false },
      }]);
    });

    it('cancels a pending task when a dependency was cancelled', () => {
      given(pending).when(dependencyFailed('cancelled', 'b')).then([cancelled('dependency "b" was cancelled: HTTP 400 unknown model')]);
    });

    it('does nothing to a task that already ended', () => {
      given([...pending, cancelled()]).when(dependencyFailed('failed')).thenNothing();
    });

    it('refuses a task that does not depend on it', () => {
      given(pending).when(dependencyFailed('failed', 'zz')).thenRejects('invalid', /task "t1" does not depend on "zz"/);
    });

    it('refuses a task that is already past its dependencies', () => {
      given([...pending, ready]).when(dependencyFailed('failed')).thenRejects('conflict', /task "t1" is ready: its dependencies completed/);
    });

    it('leaves a task the operator can retry once the dependency is redone', () => {
      const afterCascade = [...pending, { type: 'task.failed', data: { taskId: 't1', attempt: 1, reason: 'dependency "a" failed: x', retriable: false } } as TaskEvent];
      given(afterCascade).when(retry({ a: 'completed', b: 'completed' })).then([ready]);
      given([...afterCascade, ready]).when(schedule(2)).then([assigned(2)]);
    });
  });

  describe('the whole lifecycle', () => {
    it('folds created → ready → assigned → running → timed out → retry → completed', () => {
      const events = [...running, timedOut(1), retryScheduled(2, at(1000)), ready, assigned(2, 'walnut'), started(2, 'walnut'), completed(2, 'walnut')];
      expect(stateAfter(events)).toMatchObject({ status: 'completed', attempt: 2, retriesUsed: 1, agentId: 'walnut', promptTokens: 120, completionTokens: 30 });
    });

    it('folds each intermediate status', () => {
      expect(stateAfter([]).status).toBe('none');
      expect(stateAfter([created({ dependsOn: ['a'] })]).status).toBe('pending');
      expect(stateAfter([created(), ready]).status).toBe('ready');
      expect(stateAfter([created(), ready, assigned(1)]).status).toBe('assigned');
      expect(stateAfter(running).status).toBe('running');
      expect(stateAfter([...running, failed(1), retryScheduled(2, at(1000))])).toMatchObject({ status: 'retry_scheduled', notBefore: at(1000), retriesUsed: 1 });
    });
  });
});
