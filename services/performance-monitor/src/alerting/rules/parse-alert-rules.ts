import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ALERT_SEVERITIES, type AlertSeverity } from '@hive/contracts';
import { ConditionSyntaxError, metricsOf, parseCondition, typeOf } from '../condition/condition-expression';
import type { AlertRule } from './alert-rule';
import { ALERT_SCOPES, SCOPE_METRICS, type AlertScope } from './alert-scopes';

export interface RuleError {
  /** The rule's name, or undefined for a problem with the file as a whole. */
  readonly rule: string | undefined;
  readonly message: string;
}

/**
 * The outcome of reading a rules file. When the file as a whole is unusable
 * (`fileError`), keep the previous rules; otherwise the valid rules apply and
 * each invalid one is reported in `errors`.
 */
export interface ParsedRules {
  readonly rules: readonly AlertRule[];
  readonly errors: readonly RuleError[];
  readonly fileError?: string;
}

const RULE_NAME = /^[a-z][a-z0-9_.-]{0,127}$/;
const KNOWN_KEYS = new Set(['condition', 'severity', 'cooldown', 'scope', 'message']);

/**
 * Parses the Hive alert rules YAML:
 *
 *   alerts:
 *     high_cpu:
 *       condition: "cpu_usage > 85"
 *       severity: warning        # info | warning | critical
 *       cooldown: 300            # seconds
 *       scope: agent             # optional: agent | service | cluster (inferred from the metrics when absent)
 *       message: "CPU of {subject} at {value}%"   # optional
 */
export function parseAlertRules(text: string): ParsedRules {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : '';
    return { rules: [], errors: [], fileError: `not valid YAML${where}: ${(error as Error).message.split('\n')[0]}` };
  }
  if (!isObject(doc) || !isObject(doc['alerts'])) {
    return { rules: [], errors: [], fileError: 'expected a mapping with an "alerts" mapping of rule name to rule' };
  }
  const rules: AlertRule[] = [];
  const errors: RuleError[] = [];
  for (const [name, raw] of Object.entries(doc['alerts'])) {
    try {
      rules.push(compileRule(name, raw));
    } catch (error) {
      errors.push({ rule: name, message: (error as Error).message });
    }
  }
  return { rules, errors };
}

function compileRule(name: string, raw: unknown): AlertRule {
  if (!RULE_NAME.test(name)) throw new Error('a rule name must be 1-128 lower-case letters, digits, "_", "." or "-", starting with a letter');
  if (!isObject(raw)) throw new Error('a rule must be a mapping with condition, severity and cooldown');
  const unknown = Object.keys(raw).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) throw new Error(`unknown field(s) ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${[...KNOWN_KEYS].join(', ')})`);

  const condition = raw['condition'];
  if (typeof condition !== 'string' || condition.trim() === '') throw new Error('"condition" must be a non-empty string, e.g. "cpu_usage > 85"');
  const severity = raw['severity'];
  if (typeof severity !== 'string' || !(ALERT_SEVERITIES as readonly string[]).includes(severity)) {
    throw new Error(`"severity" must be one of ${ALERT_SEVERITIES.join(', ')}`);
  }
  const cooldown = raw['cooldown'];
  if (typeof cooldown !== 'number' || !Number.isFinite(cooldown) || cooldown < 0 || cooldown > 7 * 24 * 3600) {
    throw new Error('"cooldown" must be a number of seconds between 0 and 604800');
  }
  const message = raw['message'];
  if (message !== undefined && (typeof message !== 'string' || message.length > 1000)) throw new Error('"message" must be a string of at most 1000 characters');

  let tree;
  try {
    tree = parseCondition(condition);
  } catch (error) {
    if (error instanceof ConditionSyntaxError) throw new Error(`condition "${condition}": ${error.message}`);
    throw error;
  }
  const scopeRaw = raw['scope'];
  let scope: AlertScope;
  if (scopeRaw !== undefined) {
    if (typeof scopeRaw !== 'string' || !(ALERT_SCOPES as readonly string[]).includes(scopeRaw)) throw new Error(`"scope" must be one of ${ALERT_SCOPES.join(', ')}`);
    scope = scopeRaw as AlertScope;
  } else {
    const used = metricsOf(tree);
    const inferred = ALERT_SCOPES.find((candidate) => used.every((metric) => metric in SCOPE_METRICS[candidate]));
    if (!inferred) {
      const unknownMetric = used.find((metric) => ALERT_SCOPES.every((candidate) => !(metric in SCOPE_METRICS[candidate])));
      throw new Error(unknownMetric
        ? `condition "${condition}": unknown metric "${unknownMetric}"`
        : `condition "${condition}" mixes metrics of different scopes; set "scope"`);
    }
    scope = inferred;
  }
  let type;
  try {
    type = typeOf(tree, SCOPE_METRICS[scope]);
  } catch (error) {
    throw new Error(`condition "${condition}" (scope ${scope}): ${(error as Error).message}`);
  }
  if (type !== 'boolean') throw new Error(`condition "${condition}" is a ${type}, not a true/false test`);
  return { name, condition, tree, severity: severity as AlertSeverity, cooldownSeconds: cooldown, scope, ...(message === undefined ? {} : { message }) };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
