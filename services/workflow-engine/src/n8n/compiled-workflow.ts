import type { N8nNode, N8nWorkflow, N8nWorkflowSettings, JsonObject } from './n8n-workflow.types';

export interface Edge {
  readonly from: string;
  readonly output: number;
  readonly to: string;
  readonly input: number;
}

/** n8n workflow JSON checked and indexed for the engine. */
export interface CompiledWorkflow {
  readonly source: N8nWorkflow;
  readonly nodes: ReadonlyMap<string, N8nNode>;
  /** Node names in n8n v1 order: by canvas position, top to bottom then left to right. */
  readonly order: readonly string[];
  /** Main edges leaving each node, in output then connection order. */
  readonly outgoing: ReadonlyMap<string, readonly Edge[]>;
  /** Main edges entering each node. */
  readonly incoming: ReadonlyMap<string, readonly Edge[]>;
  /** Sub-nodes attached through `ai_*` connections: target name -> connection type -> sub-node names. */
  readonly attached: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  readonly triggers: readonly string[];
  readonly settings: N8nWorkflowSettings;
  readonly pinData: ReadonlyMap<string, readonly JsonObject[]>;
}
