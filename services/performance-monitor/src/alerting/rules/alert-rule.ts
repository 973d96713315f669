import type { AlertSeverity } from '@hive/contracts';
import type { Node } from '../condition/condition-expression';
import type { AlertScope } from './alert-scopes';

/** A validated, compiled alert rule. */
export interface AlertRule {
  readonly name: string;
  readonly condition: string;
  readonly tree: Node;
  readonly severity: AlertSeverity;
  /** Seconds: after an alert of this rule and subject fired, it does not fire again within this time. */
  readonly cooldownSeconds: number;
  readonly scope: AlertScope;
  /** Optional text; `{subject}`, `{value}` and `{rule}` are replaced. */
  readonly message?: string;
}
