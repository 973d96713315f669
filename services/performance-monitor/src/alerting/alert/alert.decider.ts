import type { AlertSeverity, SystemAlertData, SystemAlertResolvedData } from '@hive/contracts';
import type { Decider } from '@hive/event-store';

/**
 * One alert stream per rule and subject (`alert:<rule>:<subject>`). Its state
 * is folded from its own system.alert / system.alert_resolved events, so the
 * cooldown and "is it firing" survive restarts and lease hand-overs.
 */
export type AlertState =
  | { readonly status: 'idle'; readonly lastFiredAt?: string }
  | { readonly status: 'firing'; readonly alertId: string; readonly firedAt: string; readonly lastFiredAt: string };

/** Alert events carry their time: a firing's time is what the cooldown counts from. */
export type AlertEvent =
  | { readonly type: 'system.alert'; readonly data: SystemAlertData; readonly occurredAt: string }
  | { readonly type: 'system.alert_resolved'; readonly data: SystemAlertResolvedData; readonly occurredAt: string };

/** The rule was evaluated for this subject at `now`. */
export interface EvaluateAlert {
  readonly type: 'EvaluateAlert';
  readonly data: {
    readonly rule: string;
    readonly severity: AlertSeverity;
    readonly condition: string;
    readonly subject?: string;
    readonly met: boolean;
    readonly value: number;
    readonly cooldownSeconds: number;
    readonly message: string;
  };
  readonly now: string;
  /** Id for a new firing. */
  readonly alertId: string;
}

export const alertDecider: Decider<AlertState, EvaluateAlert, AlertEvent> = {
  initialState: () => ({ status: 'idle' }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'system.alert':
        return { status: 'firing', alertId: event.data.alertId, firedAt: event.occurredAt, lastFiredAt: event.occurredAt };
      case 'system.alert_resolved':
        return { status: 'idle', lastFiredAt: event.data.firedAt };
    }
  },
  decide: (command, state) => {
    const { data, now } = command;
    const subject = data.subject === undefined ? {} : { subject: data.subject };
    if (state.status === 'firing') {
      if (data.met) return [];
      return [{ type: 'system.alert_resolved', data: {
        alertId: state.alertId, rule: data.rule, severity: data.severity, value: data.value, ...subject,
        message: `resolved: ${data.message}`.slice(0, 2000), firedAt: state.firedAt, state: 'resolved',
      }, occurredAt: now }];
    }
    if (!data.met) return [];
    if (state.lastFiredAt !== undefined && Date.parse(now) - Date.parse(state.lastFiredAt) < data.cooldownSeconds * 1000) return [];
    return [{ type: 'system.alert', data: {
      alertId: command.alertId, rule: data.rule, severity: data.severity, condition: data.condition, value: data.value, ...subject,
      message: data.message.slice(0, 2000), state: 'firing',
    }, occurredAt: now }];
  },
};

export const alertStreamId = (rule: string, subject: string | undefined): string => `alert:${rule}:${subject ?? '*'}`;
