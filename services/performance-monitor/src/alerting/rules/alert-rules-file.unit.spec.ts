import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@hive/testing';
import { AlertRulesFile } from './alert-rules-file';

describe('AlertRulesFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hive-rules-'));
  const file = path.join(dir, 'rules.yaml');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const rule = (name: string, condition: string) => `  ${name}:\n    condition: "${condition}"\n    severity: warning\n    cooldown: 60\n`;

  it('reloads when the file changes, reports bad rules, and keeps the previous rules when the file is broken', async () => {
    writeFileSync(file, `alerts:\n${rule('high_cpu', 'cpu_usage > 85')}`);
    const rules = new AlertRulesFile(file, 50);
    rules.start();
    try {
      expect(rules.rules.map((r) => r.name)).toEqual(['high_cpu']);

      writeFileSync(file, `alerts:\n${rule('high_cpu', 'cpu_usage > 90')}${rule('typo', 'cpu_usge > 1')}`);
      await waitFor(() => rules.rules[0]?.condition === 'cpu_usage > 90' || undefined, { timeoutMs: 5_000, description: 'the changed rule' });
      expect(rules.status()).toMatchObject({ rules: ['high_cpu'], errors: [{ rule: 'typo', message: expect.stringContaining('unknown metric "cpu_usge"') }], fileError: undefined });

      writeFileSync(file, 'alerts:\n  high_cpu: [unclosed\n');
      await waitFor(() => rules.status().fileError, { timeoutMs: 5_000, description: 'the broken file reported' });
      expect(rules.status().fileError).toMatch(/not valid YAML/);
      expect(rules.rules.map((r) => r.condition)).toEqual(['cpu_usage > 90']);

      writeFileSync(file, `alerts:\n${rule('agent_down', 'agent_available == false')}`);
      await waitFor(() => rules.rules[0]?.name === 'agent_down' || undefined, { timeoutMs: 5_000, description: 'the repaired file' });
      expect(rules.status().fileError).toBeUndefined();
    } finally {
      rules.stop();
    }
  });
});
