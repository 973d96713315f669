import { ConfigError } from '@hive/config';
import type { SimulatedAgentOptions } from '../server/simulated-agent.server';
import type { SimulatedAgentConfig } from './simulated-agent.config';
import { STANDARD_AGENTS } from './standard-agents.preset';

/**
 * The agents to start: the standard preset's three (ports from SIM_PORT on,
 * or all free ports with 0), or one agent named by SIM_NAME serving
 * SIM_MODELS. Throws ConfigError for a combination that makes no sense.
 */
export function resolveAgentOptions(config: SimulatedAgentConfig): SimulatedAgentOptions[] {
  const behaviour = {
    host: config.SIM_HOST,
    latencyMs: config.SIM_LATENCY_MS,
    tokensPerSecond: config.SIM_TOKENS_PER_SECOND,
    failureRate: config.SIM_FAILURE_RATE,
    maxConcurrent: config.SIM_MAX_CONCURRENT,
    responseTokens: config.SIM_RESPONSE_TOKENS,
  };
  if (config.SIM_PRESET === 'standard') {
    const conflicts = (['SIM_NAME', 'SIM_MODELS'] as const).filter((key) => config[key] !== undefined);
    if (conflicts.length > 0) throw new ConfigError(conflicts.map((key) => `${key}: not allowed with SIM_PRESET=standard, which names its agents and models`));
    const lastPort = (config.SIM_PORT ?? 0) + STANDARD_AGENTS.length - 1;
    if (config.SIM_PORT && lastPort > 65535) throw new ConfigError([`SIM_PORT=${config.SIM_PORT}: the preset needs ${STANDARD_AGENTS.length} ports from it, up to ${lastPort}`]);
    return STANDARD_AGENTS.map((agent, index) => ({
      ...behaviour,
      name: agent.name,
      models: agent.models,
      port: config.SIM_PORT === undefined ? agent.port : config.SIM_PORT === 0 ? 0 : config.SIM_PORT + index,
    }));
  }
  if (config.SIM_MODELS === undefined) throw new ConfigError(['SIM_MODELS (--models) is required unless SIM_PRESET (--preset) is standard']);
  return [{ ...behaviour, name: config.SIM_NAME ?? 'simulated', models: config.SIM_MODELS.split(','), port: config.SIM_PORT ?? 0 }];
}
