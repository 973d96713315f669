import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAlertRules } from './parse-alert-rules';

describe('parseAlertRules', () => {
  it('reads the shipped rules (the Hive document rules) without errors and infers their scope', () => {
    const parsed = parseAlertRules(readFileSync(path.join(__dirname, '../../../alert-rules.yaml'), 'utf8'));
    expect(parsed.fileError).toBeUndefined();
    expect(parsed.errors).toEqual([]);
    const byName = Object.fromEntries(parsed.rules.map((r) => [r.name, r]));
    expect(byName['high_cpu']).toMatchObject({ condition: 'cpu_usage > 85', severity: 'warning', cooldownSeconds: 300, scope: 'agent' });
    expect(byName['agent_down']).toMatchObject({ severity: 'critical', cooldownSeconds: 60, scope: 'agent' });
    expect(byName['slow_response']).toMatchObject({ cooldownSeconds: 180, scope: 'agent' });
    expect(byName['service_down']).toMatchObject({ scope: 'service' });
    expect(byName['high_error_rate']).toMatchObject({ scope: 'cluster' });
  });

  it('reports each bad rule with a clear message and keeps the good ones', () => {
    const parsed = parseAlertRules(`
alerts:
  ok:
    condition: "cpu_usage > 85"
    severity: warning
    cooldown: 300
  typo_metric:
    condition: "cpu_usge > 85"
    severity: warning
    cooldown: 300
  bad_severity:
    condition: "cpu_usage > 85"
    severity: urgent
    cooldown: 300
  bad_syntax:
    condition: "cpu_usage >> 85"
    severity: info
    cooldown: 10
  not_boolean:
    condition: "cpu_usage + 1"
    severity: info
    cooldown: 10
  extra:
    condition: "cpu_usage > 1"
    severity: info
    cooldown: 10
    for: 2m
`);
    expect(parsed.fileError).toBeUndefined();
    expect(parsed.rules.map((r) => r.name)).toEqual(['ok']);
    const messages = Object.fromEntries(parsed.errors.map((e) => [e.rule, e.message]));
    expect(messages['typo_metric']).toMatch(/unknown metric "cpu_usge"/);
    expect(messages['bad_severity']).toMatch(/"severity" must be one of info, warning, critical/);
    expect(messages['bad_syntax']).toMatch(/condition "cpu_usage >> 85": unexpected ">" at position 12/);
    expect(messages['not_boolean']).toMatch(/is a number, not a true\/false test/);
    expect(messages['extra']).toMatch(/unknown field\(s\) "for"/);
  });

  it('rejects a malformed file as a whole', () => {
    expect(parseAlertRules('alerts:\n  a: [unclosed\n').fileError).toMatch(/not valid YAML \(line \d+/);
    expect(parseAlertRules('- just\n- a list\n').fileError).toMatch(/"alerts" mapping/);
  });
});
