import type {
  TaskAssignedData, TaskCancelledData, TaskCompletedData, TaskCreatedData, TaskFailedData, TaskProgressData, TaskReadyData,
  TaskRequeuedData, TaskRetryScheduledData, TaskStartedData, TaskTimedOutData,
} from '@hive/contracts';

/** Every event of a Task stream: the Hive task.* events, with their contract data. */
export type TaskEvent =
  | { readonly type: 'task.created'; readonly data: Readonly<TaskCreatedData> }
  | { readonly type: 'task.ready'; readonly data: Readonly<TaskReadyData> }
  | { readonly type: 'task.assigned'; readonly data: Readonly<TaskAssignedData> }
  | { readonly type: 'task.started'; readonly data: Readonly<TaskStartedData> }
  | { readonly type: 'task.progress'; readonly data: Readonly<TaskProgressData> }
  | { readonly type: 'task.completed'; readonly data: Readonly<TaskCompletedData> }
  | { readonly type: 'task.failed'; readonly data: Readonly<TaskFailedData> }
  | { readonly type: 'task.timed_out'; readonly data: Readonly<TaskTimedOutData> }
  | { readonly type: 'task.retry_scheduled'; readonly data: Readonly<TaskRetryScheduledData> }
  | { readonly type: 'task.requeued'; readonly data: Readonly<TaskRequeuedData> }
  | { readonly type: 'task.cancelled'; readonly data: Readonly<TaskCancelledData> };

export type TaskEventType = TaskEvent['type'];
