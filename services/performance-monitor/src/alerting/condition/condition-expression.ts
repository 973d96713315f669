/**
 * The alert condition language: a small, safe expression language over named
 * metrics, parsed here (never eval). Grammar, loosest binding first:
 *
 *   expr       := or
 *   or         := and (("||" | "or") and)*
 *   and        := not (("&&" | "and") not)*
 *   not        := ("!" | "not") not | comparison
 *   comparison := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
 *   sum        := product (("+" | "-") product)*
 *   product    := unary (("*" | "/" | "%") unary)*
 *   unary      := "-" unary | primary
 *   primary    := number | string | true | false | identifier | "(" expr ")"
 *
 * Values are numbers, booleans or strings; identifiers name metrics of the
 * rule's scope. Compilation checks every identifier and every operator's
 * operand types, so a rule that compiles cannot fail at evaluation.
 */
export type ValueType = 'number' | 'boolean' | 'string';
export type Value = number | boolean | string;

export type Node =
  | { readonly kind: 'literal'; readonly value: Value }
  | { readonly kind: 'metric'; readonly name: string }
  | { readonly kind: 'unary'; readonly op: '!' | '-'; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Node; readonly right: Node };

type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export class ConditionSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at position ${position + 1}`);
    this.name = 'ConditionSyntaxError';
  }
}

interface Token {
  readonly kind: 'number' | 'string' | 'ident' | 'op' | 'end';
  readonly text: string;
  readonly pos: number;
}

const OPERATORS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')'];
const MAX_LENGTH = 1000;

function tokenize(source: string): Token[] {
  if (source.length > MAX_LENGTH) throw new ConditionSyntaxError(`condition longer than ${MAX_LENGTH} characters`, MAX_LENGTH);
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) { i++; continue; }
    const number = /^(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) { tokens.push({ kind: 'number', text: number[0], pos: i }); i += number[0].length; continue; }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (ident) { tokens.push({ kind: 'ident', text: ident[0], pos: i }); i += ident[0].length; continue; }
    if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new ConditionSyntaxError('unterminated string', i);
      tokens.push({ kind: 'string', text: source.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new ConditionSyntaxError(`unexpected character "${c}"`, i);
    tokens.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}

/** Parses a condition into its syntax tree; throws ConditionSyntaxError with the position of the problem. */
export function parseCondition(source: string): Node {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (...ops: string[]) => (peek().kind === 'op' && ops.includes(peek().text)) || (peek().kind === 'ident' && ops.includes(peek().text));
  const next = () => tokens[at++];
  const keywordOp: Record<string, BinaryOp | '!'> = { or: '||', and: '&&', not: '!' };
  const opOf = (t: Token) => (keywordOp[t.text] ?? t.text) as BinaryOp;

  const binaryLevel = (ops: string[], inner: () => Node): (() => Node) => () => {
    let left = inner();
    while (isOp(...ops)) {
      const op = opOf(next());
      left = { kind: 'binary', op, left, right: inner() };
    }
    return left;
  };
  const primary = (): Node => {
    const t = next();
    if (t.kind === 'number') return { kind: 'literal', value: Number(t.text) };
    if (t.kind === 'string') return { kind: 'literal', value: t.text };
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') return { kind: 'literal', value: t.text === 'true' };
      if (t.text in keywordOp) throw new ConditionSyntaxError(`unexpected "${t.text}"`, t.pos);
      return { kind: 'metric', name: t.text };
    }
    if (t.kind === 'op' && t.text === '(') {
      const inside = or();
      const close = next();
      if (close.text !== ')' || close.kind !== 'op') throw new ConditionSyntaxError('expected ")"', close.pos);
      return inside;
    }
    throw new ConditionSyntaxError(t.kind === 'end' ? 'unexpected end of condition' : `unexpected "${t.text}"`, t.pos);
  };
  const unary = (): Node => (isOp('-') && next() ? { kind: 'unary', op: '-', operand: unary() } : primary());
  const product = binaryLevel(['*', '/', '%'], unary);
  const sum = binaryLevel(['+', '-'], product);
  const comparison = (): Node => {
    const left = sum();
    if (!isOp('==', '!=', '<', '<=', '>', '>=')) return left;
    const op = opOf(next());
    const node: Node = { kind: 'binary', op, left, right: sum() };
    if (isOp('==', '!=', '<', '<=', '>', '>=')) throw new ConditionSyntaxError('comparisons cannot be chained; use "and"', peek().pos);
    return node;
  };
  const not = (): Node => (isOp('!', 'not') && next() ? { kind: 'unary', op: '!', operand: not() } : comparison());
  const and = binaryLevel(['&&', 'and'], not);
  const or = binaryLevel(['||', 'or'], and);

  const tree = or();
  if (peek().kind !== 'end') throw new ConditionSyntaxError(`unexpected "${peek().text}"`, peek().pos);
  return tree;
}

/** Checks a tree against the metrics of a scope and returns its type; throws Error naming the problem. */
export function typeOf(node: Node, metrics: Readonly<Record<string, ValueType>>): ValueType {
  switch (node.kind) {
    case 'literal':
      return typeof node.value as ValueType;
    case 'metric': {
      const type = metrics[node.name];
      if (!type) throw new Error(`unknown metric "${node.name}" (known: ${Object.keys(metrics).sort().join(', ')})`);
      return type;
    }
    case 'unary': {
      const t = typeOf(node.operand, metrics);
      const want: ValueType = node.op === '!' ? 'boolean' : 'number';
      if (t !== want) throw new Error(`"${node.op}" needs a ${want}, got a ${t}`);
      return want;
    }
    case 'binary': {
      const l = typeOf(node.left, metrics);
      const r = typeOf(node.right, metrics);
      switch (node.op) {
        case '||': case '&&':
          if (l !== 'boolean' || r !== 'boolean') throw new Error(`"${node.op}" needs booleans, got ${l} and ${r}`);
          return 'boolean';
        case '==': case '!=':
          if (l !== r) throw new Error(`"${node.op}" compares a ${l} with a ${r}`);
          return 'boolean';
        case '<': case '<=': case '>': case '>=':
          if (l !== 'number' || r !== 'number') throw new Error(`"${node.op}" needs numbers, got ${l} and ${r}`);
          return 'boolean';
        case '+': case '-': case '*': case '/': case '%':
          if (l !== 'number' || r !== 'number') throw new Error(`"${node.op}" needs numbers, got ${l} and ${r}`);
          return 'number';
      }
    }
  }
}

/** Evaluates a checked tree. Division by zero yields Infinity or NaN, which compare false. */
export function evaluate(node: Node, values: Readonly<Record<string, Value>>): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'metric':
      return values[node.name];
    case 'unary': {
      const v = evaluate(node.operand, values);
      return node.op === '!' ? !v : -(v as number);
    }
    case 'binary': {
      if (node.op === '||') return Boolean(evaluate(node.left, values)) || Boolean(evaluate(node.right, values));
      if (node.op === '&&') return Boolean(evaluate(node.left, values)) && Boolean(evaluate(node.right, values));
      const l = evaluate(node.left, values);
      const r = evaluate(node.right, values);
      switch (node.op) {
        case '==': return l === r;
        case '!=': return l !== r;
        case '<': return (l as number) < (r as number);
        case '<=': return (l as number) <= (r as number);
        case '>': return (l as number) > (r as number);
        case '>=': return (l as number) >= (r as number);
        case '+': return (l as number) + (r as number);
        case '-': return (l as number) - (r as number);
        case '*': return (l as number) * (r as number);
        case '/': return (l as number) / (r as number);
        case '%': return (l as number) % (r as number);
      }
    }
  }
}

/** The metrics a tree reads, left to right. */
export function metricsOf(node: Node): string[] {
  switch (node.kind) {
    case 'literal': return [];
    case 'metric': return [node.name];
    case 'unary': return metricsOf(node.operand);
    case 'binary': return [...metricsOf(node.left), ...metricsOf(node.right)];
  }
}

/**
 * The number an alert reports: the left side of the first comparison
 * (`cpu_usage` in `cpu_usage > 85`), booleans as 1/0.
 */
export function observedValue(node: Node, values: Readonly<Record<string, Value>>): number {
  const find = (n: Node): Node | undefined => {
    if (n.kind === 'binary' && ['==', '!=', '<', '<=', '>', '>='].includes(n.op)) return n.left;
    if (n.kind === 'binary') return find(n.left) ?? find(n.right);
    if (n.kind === 'unary') return find(n.operand);
    return undefined;
  };
  const v = evaluate(find(node) ?? node, values);
  return typeof v === 'number' ? (Number.isFinite(v) ? v : 0) : typeof v === 'boolean' ? (v ? 1 : 0) : 0;
}
