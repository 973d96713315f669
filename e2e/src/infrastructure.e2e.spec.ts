import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { waitFor } from '@hive/testing';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');

describe('infrastructure as the start command runs it', () => {
  it('docker-compose.yml validates (docker-compose config) and names real Dockerfiles and files', async () => {
    const { stderr } = await run('bash', [path.join(root, 'infra/scripts/compose-check.sh')], { cwd: root });
    expect(stderr).not.toMatch(/✗/);
  });

  it('has a compose service and a Dockerfile for every Hive service in services/', () => {
    const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { build?: { dockerfile?: string } }> };
    const services = readdirSync(path.join(root, 'services')).filter((name) => existsSync(path.join(root, 'services', name, 'package.json')));
    expect(services.sort()).toEqual(['agent-manager', 'coordinator', 'gateway', 'mcp-bridge', 'performance-monitor', 'workflow-engine']);
    for (const service of services) {
      expect(compose.services[service]?.build?.dockerfile).toBe(`services/${service}/Dockerfile`);
      expect(existsSync(path.join(root, 'services', service, 'Dockerfile'))).toBe(true);
    }
  });

  it('reports every component running, with its log file', async () => {
    const { stdout } = await run('bash', [path.join(root, 'infra/scripts/infra.sh'), 'status'], { cwd: root });
    expect(stdout).toMatch(/kafka.*running/i);
    expect(stdout).toMatch(/victoria.*running/i);
    expect(stdout).toMatch(/\.hive\/logs\/kafka\.log/);
  });

  it('accepts InfluxDB v2 line protocol on the metrics store and returns the point', async () => {
    const url = process.env['INFLUX_URL'] ?? 'http://127.0.0.1:8428';
    const marker = `infra_check_${Date.now()}`;
    const write = await fetch(`${url}/api/v2/write?org=hive&bucket=hive&precision=ms`, { method: 'POST', body: `${marker},probe=e2e value=42 ${Date.now()}` });
    expect(write.status).toBe(204);
    const series = await waitFor(async () => {
      const response = await fetch(`${url}/api/v1/export?match[]=${marker}_value`);
      const text = await response.text();
      return text.includes('"values":[42]') ? text : undefined;
    }, { timeoutMs: 15_000, description: 'the written point to be queryable' });
    expect(JSON.parse(series.split('\n')[0]).metric).toMatchObject({ __name__: `${marker}_value`, probe: 'e2e' });
  });
});
