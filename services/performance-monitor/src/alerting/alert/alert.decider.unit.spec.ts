import { alertDecider, type AlertEvent, type AlertState, type EvaluateAlert } from './alert.decider';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, seconds)).toISOString();
const evaluateAt = (seconds: number, met: boolean, value = met ? 91 : 40): EvaluateAlert => ({
  type: 'EvaluateAlert', now: at(seconds), alertId: `a-${seconds}`,
  data: { rule: 'high_cpu', severity: 'warning', condition: 'cpu_usage > 85', subject: 'acacia', met, value, cooldownSeconds: 30, message: `cpu ${value}` },
});

/** given(events).when(command).then(events), folding as the store would. */
function run(commands: EvaluateAlert[]): { events: AlertEvent[]; state: AlertState } {
  let state = alertDecider.initialState();
  const events: AlertEvent[] = [];
  for (const command of commands) {
    const decided = alertDecider.decide(command, state);
    events.push(...decided);
    state = decided.reduce(alertDecider.evolve, state);
  }
  return { events, state };
}

describe('alert decider', () => {
  it('fires once when the condition holds, however often it is evaluated', () => {
    const { events, state } = run([evaluateAt(0, true), evaluateAt(5, true), evaluateAt(10, true)]);
    expect(events.map((e) => e.type)).toEqual(['system.alert']);
    expect(events[0]).toMatchObject({ data: { alertId: 'a-0', rule: 'high_cpu', severity: 'warning', subject: 'acacia', value: 91, state: 'firing' }, occurredAt: at(0) });
    expect(state).toMatchObject({ status: 'firing', alertId: 'a-0' });
  });

  it('resolves with the firing id when the condition clears', () => {
    const { events } = run([evaluateAt(0, true), evaluateAt(5, false)]);
    expect(events[1]).toMatchObject({ type: 'system.alert_resolved', data: { alertId: 'a-0', firedAt: at(0), value: 40, state: 'resolved' } });
  });

  it('does not fire again within the cooldown after resolving, and fires after it', () => {
    const { events } = run([evaluateAt(0, true), evaluateAt(5, false), evaluateAt(10, true), evaluateAt(29, true), evaluateAt(30, true)]);
    expect(events.map((e) => `${e.type}@${e.occurredAt.slice(17, 19)}`)).toEqual(['system.alert@00', 'system.alert_resolved@05', 'system.alert@30']);
  });

  it('does nothing while the condition does not hold', () => {
    expect(run([evaluateAt(0, false), evaluateAt(5, false)]).events).toEqual([]);
  });
});
