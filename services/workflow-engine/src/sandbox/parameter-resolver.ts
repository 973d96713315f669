import type { JsonObject, JsonValue } from '../n8n/n8n-workflow.types';
import type { EvaluationData } from './evaluation-data';
import type { ExpressionScope, QuickJsSandbox } from './quickjs-sandbox';

const TEMPLATE = /\{\{([\s\S]*?)\}\}/g;
const JSON_PATH = /^\s*\$json((?:\.[A-Za-z_$][\w$]*|\[\s*(?:\d+|'[^'\\]*'|"[^"\\]*")\s*\])*)\s*$/;
const PATH_PART = /\.([A-Za-z_$][\w$]*)|\[\s*(\d+|'[^'\\]*'|"[^"\\]*")\s*\]/g;

const referenced = new WeakMap<object, string[]>();

/** Names of the nodes an expression refers to ($('Name'), $node["Name"], $node.Name), so only their data is copied into the sandbox. */
export function referencedNodes(parameters: JsonValue): string[] {
  // A workflow version is immutable and compiled once: its nodes' parameters are scanned once.
  if (typeof parameters !== 'object' || parameters === null) return [];
  const cached = referenced.get(parameters);
  if (cached) return cached;
  const names = scanReferences(parameters);
  referenced.set(parameters, names);
  return names;
}

function scanReferences(parameters: JsonValue): string[] {
  const text = JSON.stringify(parameters);
  const names = new Set<string>();
  for (const m of text.matchAll(/\$\(\s*\\?["'](.+?)\\?["']\s*\)/g)) names.add(m[1]);
  for (const m of text.matchAll(/\$node\[\s*\\?["'](.+?)\\?["']\s*\]/g)) names.add(m[1]);
  for (const m of text.matchAll(/\$node\.([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  return [...names];
}

/**
 * Resolves n8n parameters for one item: a string starting with `=` is an
 * expression template whose `{{ ... }}` parts are evaluated; a template that
 * is exactly one `{{ }}` keeps the value's type. `{{ $json.a.b }}` is read
 * directly; everything else runs in the QuickJS sandbox.
 */
export class ParameterResolver {
  private scope: ExpressionScope | undefined;

  constructor(private readonly sandbox: QuickJsSandbox, private readonly data: EvaluationData) {}

  resolve(value: JsonValue | undefined, itemIndex: number): JsonValue | undefined {
    if (typeof value === 'string') return value.startsWith('=') ? this.template(value.slice(1), itemIndex) : value;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, itemIndex) ?? null);
    if (value !== null && typeof value === 'object') {
      // n8n's resource locator: { __rl: true, value, mode }.
      if (value['__rl'] === true) return this.resolve(value['value'], itemIndex);
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) {
        const resolved = this.resolve(v, itemIndex);
        if (resolved !== undefined) out[k] = resolved;
      }
      return out;
    }
    return value;
  }

  /** Resolves one named parameter of a node's parameters (absent: the fallback). */
  param<T extends JsonValue>(parameters: JsonObject, name: string, itemIndex: number, fallback: T): JsonValue {
    const raw = parameters[name];
    if (raw === undefined) return fallback;
    return this.resolve(raw, itemIndex) ?? fallback;
  }

  private template(text: string, itemIndex: number): JsonValue | undefined {
    const whole = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(text);
    if (whole && !whole[1].includes('}}')) return this.expression(whole[1], itemIndex);
    return text.replace(TEMPLATE, (_, source: string) => {
      const v = this.expression(source, itemIndex);
      if (v === undefined || v === null) return '';
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    });
  }

  private expression(source: string, itemIndex: number): JsonValue | undefined {
    const path = JSON_PATH.exec(source);
    if (path) return this.readJsonPath(path[1], itemIndex);
    this.scope ??= this.sandbox.expressions(this.data);
    return this.scope.evaluate(itemIndex, source);
  }

  private readJsonPath(path: string, itemIndex: number): JsonValue | undefined {
    let current: JsonValue | undefined = this.data.items[itemIndex]?.json ?? {};
    for (const m of path.matchAll(PATH_PART)) {
      const key = m[1] ?? (/^\d+$/.test(m[2]) ? Number(m[2]) : m[2].slice(1, -1));
      if (current === null || typeof current !== 'object') return undefined;
      current = Array.isArray(current) ? (typeof key === 'number' ? current[key] : undefined) : Object.hasOwn(current, key) ? current[String(key)] : undefined;
    }
    return current;
  }
}
