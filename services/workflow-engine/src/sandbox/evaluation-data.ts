import type { JsonObject, N8nItem } from '../n8n/n8n-workflow.types';

/** What expressions and Code nodes can see: copied into the sandbox as JSON, never a host object. */
export interface EvaluationData {
  /** The node's input items (first input). */
  readonly items: readonly N8nItem[];
  /** Output items (first output, latest run) of the nodes the code refers to. */
  readonly nodes: Readonly<Record<string, { readonly items: readonly N8nItem[]; readonly params?: JsonObject; readonly paired?: ReadonlyArray<N8nItem | null> }>>;
  readonly execution: { readonly id: string; readonly mode: string };
  readonly workflow: { readonly id: string; readonly name: string; readonly active: boolean };
  readonly vars: Readonly<Record<string, string>>;
  /** Only the allow-listed environment variables. */
  readonly env: Readonly<Record<string, string>>;
  readonly nowMs: number;
}
