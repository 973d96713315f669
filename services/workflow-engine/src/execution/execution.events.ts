import type {
  WorkflowExecutionCancelledData, WorkflowExecutionCompletedData, WorkflowExecutionFailedData, WorkflowExecutionStartedData,
  WorkflowNodeCompletedData, WorkflowNodeFailedData, WorkflowNodeStartedData,
} from '@hive/contracts';

export type ExecutionEvent = (
  | { readonly type: 'workflow.execution_started'; readonly data: WorkflowExecutionStartedData }
  | { readonly type: 'workflow.node_started'; readonly data: WorkflowNodeStartedData }
  | { readonly type: 'workflow.node_completed'; readonly data: WorkflowNodeCompletedData }
  | { readonly type: 'workflow.node_failed'; readonly data: WorkflowNodeFailedData }
  | { readonly type: 'workflow.execution_completed'; readonly data: WorkflowExecutionCompletedData }
  | { readonly type: 'workflow.execution_failed'; readonly data: WorkflowExecutionFailedData }
  | { readonly type: 'workflow.execution_cancelled'; readonly data: WorkflowExecutionCancelledData }
) & { readonly occurredAt?: string };

export const isTerminal = (type: ExecutionEvent['type']): boolean =>
  type === 'workflow.execution_completed' || type === 'workflow.execution_failed' || type === 'workflow.execution_cancelled';
