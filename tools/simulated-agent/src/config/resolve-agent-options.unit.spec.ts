import { ConfigError, loadConfig } from '@hive/config';
import { parseCliArgs } from './parse-cli-args';
import { resolveAgentOptions } from './resolve-agent-options';
import { SimulatedAgentConfig } from './simulated-agent.config';
import { CliUsageError } from './cli-usage.error';

const resolve = (argv: string[], env: Record<string, string> = {}) =>
  resolveAgentOptions(loadConfig(SimulatedAgentConfig, { ...env, ...parseCliArgs(argv).variables }));

describe('simulated agent command line', () => {
  it('runs the three standard agents on 11501-11503 with --preset standard', () => {
    expect(resolve(['--preset', 'standard']).map(({ name, port, models }) => ({ name, port, models }))).toEqual([
      { name: 'acacia', port: 11501, models: ['deepseek-r1:7b'] },
      { name: 'walnut', port: 11502, models: ['starcoder2:15b'] },
      { name: 'ironwood', port: 11503, models: ['deepseek-coder-v2'] },
    ]);
  });

  it('moves the preset to free ports with --port 0, or to consecutive ports from --port', () => {
    expect(resolve(['--preset', 'standard', '--port', '0']).map((agent) => agent.port)).toEqual([0, 0, 0]);
    expect(resolve(['--preset=standard', '--port=12000']).map((agent) => agent.port)).toEqual([12000, 12001, 12002]);
  });

  it('runs one agent from --name, --port and --models, with flags overriding SIM_* variables', () => {
    const [agent] = resolve(['--name', 'acacia', '--port', '11501', '--models', 'deepseek-r1:7b,nomic-embed-text', '--tokens-per-second', '0'], {
      SIM_TOKENS_PER_SECOND: '30',
      SIM_LATENCY_MS: '10',
      SIM_FAILURE_RATE: '0.25',
    });
    expect(agent).toMatchObject({
      name: 'acacia', port: 11501, host: '127.0.0.1', models: ['deepseek-r1:7b', 'nomic-embed-text'], tokensPerSecond: 0, latencyMs: 10, failureRate: 0.25,
    });
  });

  it('rejects bad values naming the variable and the flag', () => {
    expect(() => resolve(['--models', 'm', '--failure-rate', '1.5'])).toThrow(/SIM_FAILURE_RATE="1.5"/);
    expect(() => resolve(['--models', 'm', '--port', 'eighty'])).toThrow(/SIM_PORT \(--port\) must be an integer/);
    expect(() => resolve(['--models', 'm', '--max-concurrent=-1'])).toThrow(/SIM_MAX_CONCURRENT/);
  });

  it('rejects combinations that make no sense', () => {
    expect(() => resolve([])).toThrow(ConfigError);
    expect(() => resolve(['--preset', 'standard', '--models', 'x'])).toThrow(/SIM_MODELS: not allowed with SIM_PRESET=standard/);
    expect(() => resolve(['--preset', 'standard', '--port', '65534'])).toThrow(/needs 3 ports/);
  });

  it('rejects unknown flags and positional arguments', () => {
    expect(() => parseCliArgs(['--speed', '3'])).toThrow(CliUsageError);
    expect(() => parseCliArgs(['acacia'])).toThrow(CliUsageError);
    expect(parseCliArgs(['-h']).help).toBe(true);
  });
});
