import type { JsonObject, JsonValue } from '../n8n/n8n-workflow.types';
import type { ParameterResolver } from '../sandbox/parameter-resolver';
import { isObject, NodeError } from './node-context';

/**
 * n8n's filter conditions (IF v2, Switch v3, filter parameters):
 * `{ conditions: [{ leftValue, rightValue, operator: { type, operation } }], combinator: 'and' | 'or', options: { caseSensitive } }`,
 * and IF v1's `{ string: [{ value1, operation, value2 }], number: [...], boolean: [...] }` with combineOperation.
 */
export function evaluateConditions(raw: JsonValue | undefined, resolver: ParameterResolver, index: number, combineOperation?: string): boolean {
  if (!isObject(raw)) return false;
  if (Array.isArray(raw['conditions'])) {
    const options = isObject(raw['options']) ? raw['options'] : {};
    const caseSensitive = options['caseSensitive'] !== false;
    const results = raw['conditions'].map((c) => {
      if (!isObject(c)) return false;
      const operator = isObject(c['operator']) ? c['operator'] : {};
      const left = resolver.resolve(c['leftValue'], index);
      const right = resolver.resolve(c['rightValue'], index);
      return compare(String(operator['type'] ?? 'string'), String(operator['operation'] ?? 'equals'), left, right, caseSensitive);
    });
    return raw['combinator'] === 'or' ? results.some(Boolean) : results.every(Boolean);
  }
  // IF v1
  const results: boolean[] = [];
  for (const type of ['string', 'number', 'boolean', 'dateTime']) {
    const list = raw[type];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObject(c)) continue;
      const operation = v1Operation(String(c['operation'] ?? (type === 'boolean' ? 'equal' : 'equal')));
      results.push(compare(type, operation, resolver.resolve(c['value1'], index), resolver.resolve(c['value2'], index), true));
    }
  }
  return combineOperation === 'any' ? results.some(Boolean) : results.every(Boolean);
}

const v1Operation = (op: string): string =>
  ({ equal: 'equals', notEqual: 'notEquals', larger: 'gt', largerEqual: 'gte', smaller: 'lt', smallerEqual: 'lte', isEmpty: 'empty', isNotEmpty: 'notEmpty' } as Record<string, string>)[op] ?? op;

const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);

function compare(type: string, operation: string, left: JsonValue | undefined, right: JsonValue | undefined, caseSensitive: boolean): boolean {
  switch (operation) {
    case 'exists': return left !== undefined && left !== null;
    case 'notExists': return left === undefined || left === null;
    case 'empty': return isEmpty(left);
    case 'notEmpty': return !isEmpty(left);
    case 'true': return left === true || left === 'true';
    case 'false': return left === false || left === 'false';
  }
  switch (type) {
    case 'number': {
      const a = Number(left);
      const b = Number(right);
      return numeric(operation, a, b);
    }
    case 'dateTime': return numeric(operation, Date.parse(String(left)), Date.parse(String(right)));
    case 'boolean': {
      const a = left === true || left === 'true';
      const b = right === true || right === 'true';
      if (operation === 'equals' || operation === 'equal') return a === b;
      if (operation === 'notEquals' || operation === 'notEqual') return a !== b;
      throw new NodeError(`unsupported boolean operation "${operation}"`);
    }
    case 'array': {
      const list = Array.isArray(left) ? left : [];
      if (operation === 'contains') return list.some((v) => JSON.stringify(v) === JSON.stringify(right));
      if (operation === 'notContains') return !list.some((v) => JSON.stringify(v) === JSON.stringify(right));
      if (operation.startsWith('length')) return numeric(({ lengthEquals: 'equals', lengthNotEquals: 'notEquals', lengthGt: 'gt', lengthGte: 'gte', lengthLt: 'lt', lengthLte: 'lte' } as Record<string, string>)[operation] ?? operation, list.length, Number(right));
      throw new NodeError(`unsupported array operation "${operation}"`);
    }
    case 'object':
      if (operation === 'equals') return JSON.stringify(left) === JSON.stringify(right);
      throw new NodeError(`unsupported object operation "${operation}"`);
    default: {
      let a = left === undefined || left === null ? '' : typeof left === 'object' ? JSON.stringify(left) : String(left);
      let b = right === undefined || right === null ? '' : typeof right === 'object' ? JSON.stringify(right) : String(right);
      if (!caseSensitive) {
        a = a.toLowerCase();
        b = b.toLowerCase();
      }
      switch (operation) {
        case 'equals': case 'equal': return a === b;
        case 'notEquals': case 'notEqual': return a !== b;
        case 'contains': return a.includes(b);
        case 'notContains': return !a.includes(b);
        case 'startsWith': return a.startsWith(b);
        case 'notStartsWith': return !a.startsWith(b);
        case 'endsWith': return a.endsWith(b);
        case 'notEndsWith': return !a.endsWith(b);
        case 'regex': return new RegExp(b).test(a);
        case 'notRegex': return !new RegExp(b).test(a);
        case 'gt': case 'lt': case 'gte': case 'lte': return numeric(operation, Number(a), Number(b));
        default: throw new NodeError(`unsupported ${type} operation "${operation}"`);
      }
    }
  }
}

function numeric(operation: string, a: number, b: number): boolean {
  switch (operation) {
    case 'equals': case 'equal': return a === b;
    case 'notEquals': case 'notEqual': return a !== b;
    case 'gt': case 'larger': return a > b;
    case 'gte': case 'largerEqual': return a >= b;
    case 'lt': case 'smaller': return a < b;
    case 'lte': case 'smallerEqual': return a <= b;
    default: throw new NodeError(`unsupported number operation "${operation}"`);
  }
}

export type Conditions = JsonObject;
