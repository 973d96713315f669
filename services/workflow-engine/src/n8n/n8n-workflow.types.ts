/**
 * The shape of workflow JSON as n8n exports it ("Download" / `n8n export:workflow`),
 * written from the export format itself: Hive does not depend on n8n's packages.
 * Only what the engine reads is typed precisely; everything else is kept as is.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface N8nNode {
  readonly id?: string;
  readonly name: string;
  readonly type: string;
  readonly typeVersion: number;
  readonly position: readonly [number, number];
  readonly parameters: JsonObject;
  readonly credentials?: JsonObject;
  readonly disabled?: boolean;
  readonly notes?: string;
  readonly retryOnFail?: boolean;
  readonly maxTries?: number;
  readonly waitBetweenTries?: number;
  readonly onError?: OnError;
  /** Older exports: true means continueRegularOutput. */
  readonly continueOnFail?: boolean;
  readonly alwaysOutputData?: boolean;
  readonly executeOnce?: boolean;
  readonly webhookId?: string;
}

/** One edge end: `{ node: 'Target', type: 'main', index: <target input> }`. */
export interface N8nConnectionTarget {
  readonly node: string;
  readonly type: string;
  readonly index: number;
}

/** `connections[sourceName][connectionType][outputIndex]` lists the targets of that output. */
export type N8nConnections = Readonly<Record<string, Readonly<Record<string, ReadonlyArray<ReadonlyArray<N8nConnectionTarget> | null>>>>>;

export interface N8nWorkflowSettings {
  readonly executionOrder?: 'v0' | 'v1';
  /** Seconds; -1 or absent: no limit. */
  readonly executionTimeout?: number;
  /** Id of the workflow to run when an execution fails. */
  readonly errorWorkflow?: string;
  readonly timezone?: string;
  readonly [key: string]: JsonValue | undefined;
}

/** An n8n item: the unit that flows along connections. */
export interface N8nItem {
  readonly json: JsonObject;
  readonly binary?: JsonObject;
  readonly pairedItem?: { readonly item: number; readonly input?: number } | ReadonlyArray<{ readonly item: number; readonly input?: number }>;
  readonly error?: JsonObject;
}

export interface N8nWorkflow {
  readonly id?: string;
  readonly name?: string;
  readonly nodes: readonly N8nNode[];
  readonly connections: N8nConnections;
  readonly settings?: N8nWorkflowSettings;
  /** Fixed output per node name, used instead of running the node (n8n's pinned data: plain json objects or items). */
  readonly pinData?: Readonly<Record<string, ReadonlyArray<JsonObject>>>;
  readonly staticData?: JsonObject | null;
  readonly active?: boolean;
  readonly meta?: JsonObject;
  readonly tags?: ReadonlyArray<JsonValue>;
  readonly versionId?: string;
}
