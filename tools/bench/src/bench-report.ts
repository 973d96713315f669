import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Prints the figures and writes them, with the machine they were measured on, to bench-results/<name>.json. */
export function report(name: string, figures: Record<string, unknown>): void {
  const result = {
    benchmark: name,
    measuredAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    figures,
  };
  const dir = path.resolve(__dirname, '../../../bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${name}:`);
  for (const [key, value] of Object.entries(figures)) console.log(`  ${key.padEnd(40)} ${typeof value === 'number' ? Math.round(value * 100) / 100 : JSON.stringify(value)}`);
  console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
}
