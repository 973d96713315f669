import type { WorkflowActivatedData, WorkflowDeactivatedData, WorkflowImportedData, WorkflowVersionCreatedData } from '@hive/contracts';

export type WorkflowEvent =
  | { readonly type: 'workflow.imported'; readonly data: WorkflowImportedData }
  | { readonly type: 'workflow.version_created'; readonly data: WorkflowVersionCreatedData }
  | { readonly type: 'workflow.activated'; readonly data: WorkflowActivatedData }
  | { readonly type: 'workflow.deactivated'; readonly data: WorkflowDeactivatedData };
