import type { N8nNode } from './n8n-workflow.types';

/**
 * How the engine treats a node type:
 * - trigger: starts an execution, passes the execution's input on;
 * - inline: pure and cheap, runs inside whatever transaction is running the execution;
 * - sandboxed: pure but user code with a time limit (Code), run by the runner outside command transactions;
 * - effect: talks to the outside world (HTTP, tasks, tools, timers): its node_started is committed before it runs;
 * - subnode: attached to another node through an `ai_*` connection, never run on its own.
 */
export type NodeKind = 'trigger' | 'inline' | 'sandboxed' | 'effect' | 'subnode';

export interface NodeTypeInfo {
  readonly kind: NodeKind;
  /** Number of main inputs (Merge: 2). */
  readonly inputs: number;
  /** Can leave a cycle (a loop through it terminates by design). */
  readonly looping?: boolean;
}

export const NodeTypes = {
  manualTrigger: 'n8n-nodes-base.manualTrigger',
  webhook: 'n8n-nodes-base.webhook',
  scheduleTrigger: 'n8n-nodes-base.scheduleTrigger',
  cron: 'n8n-nodes-base.cron',
  executeWorkflowTrigger: 'n8n-nodes-base.executeWorkflowTrigger',
  errorTrigger: 'n8n-nodes-base.errorTrigger',
  set: 'n8n-nodes-base.set',
  if: 'n8n-nodes-base.if',
  switch: 'n8n-nodes-base.switch',
  merge: 'n8n-nodes-base.merge',
  noOp: 'n8n-nodes-base.noOp',
  splitInBatches: 'n8n-nodes-base.splitInBatches',
  wait: 'n8n-nodes-base.wait',
  code: 'n8n-nodes-base.code',
  httpRequest: 'n8n-nodes-base.httpRequest',
  executeWorkflow: 'n8n-nodes-base.executeWorkflow',
  stopAndError: 'n8n-nodes-base.stopAndError',
  respondToWebhook: 'n8n-nodes-base.respondToWebhook',
  stickyNote: 'n8n-nodes-base.stickyNote',
  hiveAgentTask: 'n8n-nodes-hive.agentTask',
  hiveMcpTool: 'n8n-nodes-hive.mcpTool',
  chainLlm: '@n8n/n8n-nodes-langchain.chainLlm',
  lmChatOllama: '@n8n/n8n-nodes-langchain.lmChatOllama',
  lmChatOpenAi: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
  lmOllama: '@n8n/n8n-nodes-langchain.lmOllama',
  lmOpenAi: '@n8n/n8n-nodes-langchain.lmOpenAi',
} as const;

const registry: Readonly<Record<string, NodeTypeInfo>> = {
  [NodeTypes.manualTrigger]: { kind: 'trigger', inputs: 0 },
  [NodeTypes.webhook]: { kind: 'trigger', inputs: 0 },
  [NodeTypes.scheduleTrigger]: { kind: 'trigger', inputs: 0 },
  [NodeTypes.cron]: { kind: 'trigger', inputs: 0 },
  [NodeTypes.executeWorkflowTrigger]: { kind: 'trigger', inputs: 0 },
  [NodeTypes.errorTrigger]: { kind: 'trigger', inputs: 0 },
  [NodeTypes.set]: { kind: 'inline', inputs: 1 },
  [NodeTypes.if]: { kind: 'inline', inputs: 1, looping: true },
  [NodeTypes.switch]: { kind: 'inline', inputs: 1, looping: true },
  [NodeTypes.merge]: { kind: 'inline', inputs: 2 },
  [NodeTypes.noOp]: { kind: 'inline', inputs: 1 },
  [NodeTypes.splitInBatches]: { kind: 'inline', inputs: 1, looping: true },
  [NodeTypes.stopAndError]: { kind: 'inline', inputs: 1 },
  [NodeTypes.respondToWebhook]: { kind: 'inline', inputs: 1 },
  [NodeTypes.code]: { kind: 'sandboxed', inputs: 1 },
  [NodeTypes.wait]: { kind: 'effect', inputs: 1 },
  [NodeTypes.httpRequest]: { kind: 'effect', inputs: 1 },
  [NodeTypes.executeWorkflow]: { kind: 'effect', inputs: 1 },
  [NodeTypes.hiveAgentTask]: { kind: 'effect', inputs: 1 },
  [NodeTypes.hiveMcpTool]: { kind: 'effect', inputs: 1 },
  [NodeTypes.chainLlm]: { kind: 'effect', inputs: 1 },
  [NodeTypes.lmChatOllama]: { kind: 'subnode', inputs: 0 },
  [NodeTypes.lmChatOpenAi]: { kind: 'subnode', inputs: 0 },
  [NodeTypes.lmOllama]: { kind: 'subnode', inputs: 0 },
  [NodeTypes.lmOpenAi]: { kind: 'subnode', inputs: 0 },
  // Sticky notes are canvas annotations: imported, never run.
  [NodeTypes.stickyNote]: { kind: 'subnode', inputs: 0 },
};

export function nodeTypeInfo(type: string): NodeTypeInfo | undefined {
  return registry[type];
}

export function isSupportedNodeType(type: string): boolean {
  return registry[type] !== undefined;
}

/** Node kind, resolved: unknown types never get past import. */
export function kindOf(node: Pick<N8nNode, 'type'>): NodeKind {
  const info = registry[node.type];
  if (!info) throw new Error(`unsupported node type ${node.type}`);
  return info.kind;
}

export const supportedNodeTypes = (): readonly string[] => Object.keys(registry);
