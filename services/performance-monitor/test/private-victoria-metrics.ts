import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@hive/testing';

export const VICTORIA_METRICS_BIN = '/usr/bin/victoria-metrics';

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface ExportedSeries {
  readonly metric: Record<string, string>;
  readonly values: number[];
  readonly timestamps: number[];
}

/**
 * A VictoriaMetrics of the test's own (another port, a temporary data
 * directory), so a test can stop and restart its metrics store without
 * touching the shared one on 8428.
 */
export class PrivateVictoriaMetrics {
  private child: ChildProcess | undefined;
  private readonly dataDir = mkdtempSync(path.join(tmpdir(), 'hive-vm-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateVictoriaMetrics> {
    const vm = new PrivateVictoriaMetrics(await freePort());
    await vm.start();
    return vm;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(VICTORIA_METRICS_BIN, [
      `-httpListenAddr=127.0.0.1:${this.port}`, `-storageDataPath=${this.dataDir}`, '-search.latencyOffset=0s', '-retentionPeriod=1d', '-loggerLevel=ERROR',
    ], { stdio: 'ignore' });
    await waitFor(async () => (await fetch(`${this.url}/health`).then((r) => r.ok, () => false)) || undefined, { timeoutMs: 20_000, description: `VictoriaMetrics on ${this.port}` });
  }

  /** Stops the process (SIGTERM, then waits for it to exit). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** Every sample of the series matching a selector, via /api/v1/export (after making recent rows searchable). */
  async export(selector: string): Promise<ExportedSeries[]> {
    await fetch(`${this.url}/internal/force_flush`);
    const response = await fetch(`${this.url}/api/v1/export?${new URLSearchParams({ 'match[]': selector, start: '0' })}`);
    if (!response.ok) throw new Error(`export failed: ${response.status} ${await response.text()}`);
    return (await response.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line) as ExportedSeries);
  }
}
