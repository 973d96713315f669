import type { ActivateWorkflowData, DeactivateWorkflowData, ImportWorkflowData } from '@hive/contracts';

export type WorkflowCommand =
  | { readonly type: 'ImportWorkflow'; readonly data: ImportWorkflowData }
  | { readonly type: 'ActivateWorkflow'; readonly data: ActivateWorkflowData }
  | { readonly type: 'DeactivateWorkflow'; readonly data: DeactivateWorkflowData };
