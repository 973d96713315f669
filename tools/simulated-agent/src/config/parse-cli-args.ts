import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliUsageError } from './cli-usage.error';
import type { SimulatedAgentConfig } from './simulated-agent.config';

/** Each flag and the SimulatedAgentConfig variable it sets. */
const FLAG_VARIABLES: Readonly<Record<string, keyof SimulatedAgentConfig>> = {
  preset: 'SIM_PRESET',
  name: 'SIM_NAME',
  models: 'SIM_MODELS',
  host: 'SIM_HOST',
  port: 'SIM_PORT',
  'latency-ms': 'SIM_LATENCY_MS',
  'tokens-per-second': 'SIM_TOKENS_PER_SECOND',
  'failure-rate': 'SIM_FAILURE_RATE',
  'max-concurrent': 'SIM_MAX_CONCURRENT',
  'response-tokens': 'SIM_RESPONSE_TOKENS',
};

export interface ParsedCli {
  readonly help: boolean;
  /** The flags given, as the config variables they set (e.g. `{ SIM_PORT: '11501' }`). */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * Reads `--flag value` / `--flag=value` arguments into config variables, so
 * flags and SIM_* environment variables go through one validation. Unknown
 * flags and positional arguments are a CliUsageError.
 */
export function parseCliArgs(argv: readonly string[]): ParsedCli {
  const options: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const flag of Object.keys(FLAG_VARIABLES)) options[flag] = { type: 'string' };
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const variables: Record<string, string> = {};
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = values[flag];
    if (typeof value === 'string') variables[variable] = value;
  }
  return { help: values['help'] === true, variables };
}
