import type { WebhookResponseData } from '@hive/contracts';
import type { JsonObject, JsonValue, N8nItem } from '../n8n/n8n-workflow.types';
import type { Items } from '../execution/execution-state';
import { evaluateConditions } from './conditions';
import { NodeTypes } from '../n8n/node-types';
import { isObject, NodeError, toItems, type NodeContext } from './node-context';

export interface NodeOutcome {
  /** Items per output index. */
  readonly outputs: readonly Items[];
  readonly response?: WebhookResponseData;
}

const one = (items: Items): NodeOutcome => ({ outputs: [items] });
const input0 = (ctx: NodeContext): Items => ctx.inputs[0] ?? [];

/** Triggers hand the execution's input on: the webhook's request, the schedule's tick, the manual run's data. */
export function triggerNode(ctx: NodeContext): NodeOutcome {
  const items = input0(ctx);
  // Started by an Execute Workflow node: the items it passed become the trigger's output, as in n8n.
  const passed = ctx.node.type === NodeTypes.executeWorkflowTrigger && items.length === 1 ? items[0].json['items'] : undefined;
  if (Array.isArray(passed)) return one(passed.map((json, index) => ({ json: isObject(json) ? json : { value: json }, pairedItem: { item: index } })));
  return one(items.map((i) => ({ json: i.json })));
}

export const noOpNode = (ctx: NodeContext): NodeOutcome => one(input0(ctx));

function setPath(target: JsonObject, path: string, value: JsonValue, dotNotation: boolean): void {
  const parts = dotNotation ? path.split('.') : [path];
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as JsonObject;
  }
  node[parts[parts.length - 1]] = value;
}

function convert(value: JsonValue | undefined, type: string, name: string): JsonValue {
  switch (type) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (Number.isNaN(n)) throw new NodeError(`'${name}' expects a number but got '${String(value)}'`);
      return n;
    }
    case 'boolean': return value === true || value === 'true' || value === 1 || value === '1';
    case 'object':
    case 'array':
      if (typeof value === 'string') {
        try {
          return JSON.parse(value) as JsonValue;
        } catch {
          throw new NodeError(`'${name}' expects ${type === 'object' ? 'an object' : 'an array'} but got '${value}'`);
        }
      }
      return value ?? null;
    case 'string': return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    default: return value ?? null;
  }
}

/** Edit Fields (Set): v3.3+ assignments, v3.0-3.2 fields, v1/v2 typed values, and raw JSON mode. */
export function setNode(ctx: NodeContext): NodeOutcome {
  const p = ctx.node.parameters;
  const v = ctx.node.typeVersion;
  const options = isObject(p['options']) ? p['options'] : {};
  const dotNotation = options['dotNotation'] !== false;
  const out = input0(ctx).map((source, index): N8nItem => {
    let keepOthers: boolean;
    if (v >= 3.3) keepOthers = p['includeOtherFields'] === true;
    else if (v >= 3) keepOthers = (p['include'] ?? 'all') === 'all' && p['includeOtherFields'] !== false;
    else keepOthers = p['keepOnlySet'] !== true;
    const json: JsonObject = keepOthers ? structuredClone(source.json) : {};
    if (p['mode'] === 'raw') {
      const raw = ctx.params.resolve(p['jsonOutput'], index);
      const parsed = typeof raw === 'string' ? safeParse(raw) : raw;
      if (!isObject(parsed)) throw new NodeError('JSON Output must be a JSON object');
      Object.assign(json, parsed);
    } else if (isObject(p['assignments']) && Array.isArray(p['assignments']['assignments'])) {
      for (const a of p['assignments']['assignments']) {
        if (!isObject(a)) continue;
        const name = String(ctx.params.resolve(a['name'], index) ?? '');
        setPath(json, name, convert(ctx.params.resolve(a['value'], index), String(a['type'] ?? 'string'), name), dotNotation);
      }
    } else if (isObject(p['fields']) && Array.isArray(p['fields']['values'])) {
      for (const f of p['fields']['values']) {
        if (!isObject(f)) continue;
        const type = String(f['type'] ?? 'stringValue');
        const name = String(ctx.params.resolve(f['name'], index) ?? '');
        setPath(json, name, convert(ctx.params.resolve(f[type], index), type.replace(/Value$/, ''), name), dotNotation);
      }
    } else if (isObject(p['values'])) {
      for (const [type, list] of Object.entries(p['values'])) {
        if (!Array.isArray(list)) continue;
        for (const entry of list) {
          if (!isObject(entry)) continue;
          const name = String(ctx.params.resolve(entry['name'], index) ?? '');
          setPath(json, name, convert(ctx.params.resolve(entry['value'], index), type, name), dotNotation);
        }
      }
    }
    return { json, pairedItem: { item: index } };
  });
  return one(out);
}

const safeParse = (text: string): JsonValue => {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new NodeError(`not valid JSON: ${text.slice(0, 100)}`);
  }
};

/** IF: output 0 (true) and output 1 (false). */
export function ifNode(ctx: NodeContext): NodeOutcome {
  const yes: N8nItem[] = [];
  const no: N8nItem[] = [];
  input0(ctx).forEach((i, index) => {
    const matched = evaluateConditions(ctx.node.parameters['conditions'], ctx.params, index, String(ctx.node.parameters['combineOperation'] ?? 'all'));
    (matched ? yes : no).push({ ...i, pairedItem: { item: index } });
  });
  return { outputs: [yes, no] };
}

/** Number of regular outputs of a Switch node. */
export function switchOutputs(parameters: JsonObject): number {
  if (parameters['mode'] === 'expression') return Number(parameters['numberOutputs'] ?? 4);
  const rules = isObject(parameters['rules']) && Array.isArray(parameters['rules']['values']) ? parameters['rules']['values'].length
    : isObject(parameters['rules']) && Array.isArray(parameters['rules']['rules']) ? parameters['rules']['rules'].length : 0;
  const options = isObject(parameters['options']) ? parameters['options'] : {};
  return rules + (options['fallbackOutput'] === 'extra' ? 1 : 0);
}

/** Switch v3: rules (each a filter), or an expression giving the output index. */
export function switchNode(ctx: NodeContext): NodeOutcome {
  const p = ctx.node.parameters;
  const count = switchOutputs(p);
  const outputs: N8nItem[][] = Array.from({ length: count }, () => []);
  const options = isObject(p['options']) ? p['options'] : {};
  input0(ctx).forEach((i, index) => {
    const routed = { ...i, pairedItem: { item: index } };
    if (p['mode'] === 'expression') {
      const target = Number(ctx.params.resolve(p['output'], index));
      if (!Number.isInteger(target) || target < 0 || target >= count) throw new NodeError(`The output ${String(target)} is not allowed (${count} outputs)`);
      outputs[target].push(routed);
      return;
    }
    const rules = isObject(p['rules']) && Array.isArray(p['rules']['values']) ? p['rules']['values'] : [];
    let matchedAny = false;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      if (isObject(rule) && evaluateConditions(rule['conditions'], ctx.params, index)) {
        outputs[r].push(routed);
        matchedAny = true;
        if (options['allMatchingOutputs'] !== true) break;
      }
    }
    if (!matchedAny) {
      const fallback = options['fallbackOutput'];
      if (fallback === 'extra') outputs[count - 1].push(routed);
      else if (typeof fallback === 'number' && fallback >= 0 && fallback < count) outputs[fallback].push(routed);
    }
  });
  return { outputs };
}

const readPath = (json: JsonObject, path: string): JsonValue | undefined =>
  path.split('.').reduce<JsonValue | undefined>((v, k) => (isObject(v) ? v[k] : undefined), json);

/** Merge v2/v3: append, combine by position, by matching fields, every combination, or choose a branch. */
export function mergeNode(ctx: NodeContext): NodeOutcome {
  const p = ctx.node.parameters;
  const a = ctx.inputs[0] ?? [];
  const b = ctx.inputs[1] ?? [];
  const options = isObject(p['options']) ? p['options'] : {};
  let mode = String(p['mode'] ?? 'append');
  if (mode === 'combine') {
    const by = String(p['combineBy'] ?? p['combinationMode'] ?? 'combineByFields');
    mode = ({ mergeByFields: 'combineByFields', mergeByPosition: 'combineByPosition', multiplex: 'combineAll' } as Record<string, string>)[by] ?? by;
  }
  // pairedItem names the input item(s) each output item came from, with the input index, as n8n's Merge does.
  const ia = new Map(a.map((x, i) => [x, i]));
  const ib = new Map(b.map((y, i) => [y, i]));
  const pair = (x: N8nItem | undefined, y: N8nItem | undefined): N8nItem['pairedItem'] => [
    ...(x ? [{ item: ia.get(x) ?? 0, input: 0 }] : []), ...(y ? [{ item: ib.get(y) ?? 0, input: 1 }] : []),
  ];
  const from = (items: Items, input: 0 | 1): N8nItem[] => items.map((x, index) => ({ ...x, pairedItem: { item: index, input } }));
  switch (mode) {
    case 'append':
      return one([...from(a, 0), ...from(b, 1)]);
    case 'combineByPosition': {
      const n = options['includeUnpaired'] === true ? Math.max(a.length, b.length) : Math.min(a.length, b.length);
      return one(Array.from({ length: n }, (_, i) => ({ json: { ...(a[i]?.json ?? {}), ...(b[i]?.json ?? {}) }, pairedItem: pair(a[i], b[i]) })));
    }
    case 'combineAll':
      return one(a.flatMap((x) => b.map((y) => ({ json: { ...x.json, ...y.json }, pairedItem: pair(x, y) }))));
    case 'combineByFields': {
      const pairs: Array<[string, string]> = [];
      if (typeof p['fieldsToMatchString'] === 'string' && p['advanced'] !== true) {
        for (const f of p['fieldsToMatchString'].split(',').map((s) => s.trim()).filter(Boolean)) pairs.push([f, f]);
      } else {
        const list = isObject(p['mergeByFields']) && Array.isArray(p['mergeByFields']['values']) ? p['mergeByFields']['values'] : [];
        for (const f of list) if (isObject(f)) pairs.push([String(f['field1'] ?? ''), String(f['field2'] ?? '')]);
      }
      if (pairs.length === 0) throw new NodeError('Merge: no fields to match on');
      const key = (json: JsonObject, side: 0 | 1) => JSON.stringify(pairs.map((pair) => readPath(json, pair[side]) ?? null));
      const byKey = new Map<string, N8nItem[]>();
      for (const y of b) byKey.set(key(y.json, 1), [...(byKey.get(key(y.json, 1)) ?? []), y]);
      const joinMode = String(p['joinMode'] ?? 'keepMatches');
      const matchedB = new Set<N8nItem>();
      const out: N8nItem[] = [];
      const unmatchedA: N8nItem[] = [];
      for (const x of a) {
        const matches = byKey.get(key(x.json, 0)) ?? [];
        if (matches.length === 0) unmatchedA.push(x);
        for (const y of matches) matchedB.add(y);
        if (joinMode === 'keepMatches' || joinMode === 'keepEverything') for (const y of matches) out.push({ json: { ...x.json, ...y.json }, pairedItem: pair(x, y) });
        if (joinMode === 'enrichInput1') out.push({ json: matches.reduce((acc, y) => ({ ...acc, ...y.json }), { ...x.json }), pairedItem: pair(x, matches[0]) });
      }
      const unmatchedB = b.filter((y) => !matchedB.has(y));
      const alone = (x: N8nItem, input: 0 | 1): N8nItem => ({ ...x, pairedItem: input === 0 ? pair(x, undefined) : pair(undefined, x) });
      if (joinMode === 'keepNonMatches') return one([...unmatchedA.map((x) => alone(x, 0)), ...unmatchedB.map((y) => alone(y, 1))]);
      if (joinMode === 'keepEverything') return one([...out, ...unmatchedA.map((x) => alone(x, 0)), ...unmatchedB.map((y) => alone(y, 1))]);
      if (joinMode === 'enrichInput2') {
        const byA = new Map<string, N8nItem[]>();
        for (const x of a) byA.set(key(x.json, 0), [...(byA.get(key(x.json, 0)) ?? []), x]);
        return one(b.map((y) => ({ json: (byA.get(key(y.json, 1)) ?? []).reduce((acc, x) => ({ ...acc, ...x.json }), {}) }))
          .map((x, i) => ({ json: { ...x.json, ...b[i].json }, pairedItem: pair((byA.get(key(b[i].json, 1)) ?? [])[0], b[i]) })));
      }
      return one(out);
    }
    case 'chooseBranch': {
      const output = String(p['output'] ?? 'specifiedInput');
      if (output === 'empty') return one([{ json: {} }]);
      const which = output === 'input2' ? 2 : output === 'input1' ? 1 : Number(p['useDataOfInput'] ?? 1);
      return one(which === 2 ? from(b, 1) : from(a, 0));
    }
    default:
      throw new NodeError(`Merge mode "${mode}" is not supported`);
  }
}

/**
 * Loop Over Items (splitInBatches v3): output 0 "done" with every processed
 * item once the input is exhausted, output 1 "loop" with the next batch.
 * Its progress is derived from its own earlier runs in this execution.
 */
export function splitInBatchesNode(ctx: NodeContext, previousRuns: ReadonlyArray<{ readonly inputs: readonly Items[]; readonly outputs?: readonly Items[] }>): NodeOutcome {
  const size = Math.max(1, Number(ctx.params.resolve(ctx.node.parameters['batchSize'] ?? 10, 0) ?? 10));
  // The loop restarts when the node is reached with fresh items after finishing (output 0 emitted).
  let start = previousRuns.length;
  for (let i = previousRuns.length - 1; i >= 0; i--) {
    if ((previousRuns[i].outputs?.[0]?.length ?? 0) > 0) {
      start = i + 1;
      break;
    }
    if (i === 0) start = 0;
  }
  const loopRuns = previousRuns.slice(start);
  if (loopRuns.length === 0) {
    const all = input0(ctx);
    return { outputs: [[], all.slice(0, size)] };
  }
  const original = loopRuns[0].inputs[0] ?? [];
  const emitted = loopRuns.reduce((n, r) => n + (r.outputs?.[1]?.length ?? 0), 0);
  const processed = [...loopRuns.slice(1).flatMap((r) => r.inputs[0] ?? []), ...input0(ctx)];
  if (emitted >= original.length) return { outputs: [processed, []] };
  return { outputs: [[], original.slice(emitted, emitted + size)] };
}

export function stopAndErrorNode(ctx: NodeContext): NodeOutcome {
  const p = ctx.node.parameters;
  if (p['errorType'] === 'errorObject') {
    const obj = ctx.params.resolve(p['errorObject'], 0);
    const parsed = typeof obj === 'string' ? safeParse(obj) : obj;
    const message = isObject(parsed) && typeof parsed['message'] === 'string' ? parsed['message'] : JSON.stringify(parsed);
    throw new NodeError(message);
  }
  throw new NodeError(String(ctx.params.resolve(p['errorMessage'], 0) ?? 'Workflow stopped by Stop and Error node'));
}

/** Respond to Webhook: chooses the webhook's HTTP answer and passes its input on. */
export function respondToWebhookNode(ctx: NodeContext): NodeOutcome {
  const p = ctx.node.parameters;
  const options = isObject(p['options']) ? p['options'] : {};
  const items = input0(ctx);
  const respondWith = String(p['respondWith'] ?? 'firstIncomingItem');
  const headers: Record<string, string> = {};
  const entries = isObject(options['responseHeaders']) && Array.isArray(options['responseHeaders']['entries']) ? options['responseHeaders']['entries'] : [];
  for (const e of entries) if (isObject(e)) headers[String(ctx.params.resolve(e['name'], 0))] = String(ctx.params.resolve(e['value'], 0));
  let body: unknown;
  switch (respondWith) {
    case 'json': {
      const raw = ctx.params.resolve(p['responseBody'], 0);
      body = typeof raw === 'string' ? safeParse(raw) : raw;
      headers['content-type'] ??= 'application/json';
      break;
    }
    case 'text':
      body = String(ctx.params.resolve(p['responseBody'], 0) ?? '');
      headers['content-type'] ??= 'text/plain';
      break;
    case 'allIncomingItems':
      body = items.map((i) => i.json);
      headers['content-type'] ??= 'application/json';
      break;
    case 'noData':
      body = undefined;
      break;
    default:
      body = items[0]?.json ?? {};
      headers['content-type'] ??= 'application/json';
  }
  const statusCode = Number(options['responseCode'] ?? 200);
  return { outputs: [items], response: { statusCode, headers, ...(body === undefined ? {} : { body }) } };
}

/** Code node (JavaScript): runs in the QuickJS sandbox with its time and memory limits. */
export function codeNode(ctx: NodeContext): NodeOutcome {
  const p = ctx.node.parameters;
  const language = String(p['language'] ?? 'javaScript');
  if (language !== 'javaScript') throw new NodeError(`Code node language "${language}" is not supported (JavaScript only)`);
  const mode = p['mode'] === 'runOnceForEachItem' ? 'runOnceForEachItem' : 'runOnceForAllItems';
  const code = String(p['jsCode'] ?? p['functionCode'] ?? '');
  const values = ctx.sandbox.runCode(code, mode, ctx.data);
  return one(toItems(values, 'Code node'));
}
