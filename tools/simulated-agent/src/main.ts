#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError, loadConfig } from '@hive/config';
import { CliUsageError } from './config/cli-usage.error';
import { parseCliArgs } from './config/parse-cli-args';
import { resolveAgentOptions } from './config/resolve-agent-options';
import { SimulatedAgentConfig } from './config/simulated-agent.config';
import { SIMULATED_AGENT_USAGE } from './config/simulated-agent.usage';
import { startSimulatedAgent, type SimulatedAgent } from './server/simulated-agent.server';
import { InvalidSimulationSettingsError } from './simulation/invalid-simulation-settings.error';

/** Starts the agents the flags and SIM_* variables describe, prints where each listens, stops on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const cli = parseCliArgs(process.argv.slice(2));
  if (cli.help) {
    process.stdout.write(SIMULATED_AGENT_USAGE);
    return;
  }
  const config = loadConfig(SimulatedAgentConfig, { ...process.env, ...cli.variables });
  const agents: SimulatedAgent[] = [];
  const stopAll = () => Promise.allSettled(agents.map((agent) => agent.close()));
  try {
    for (const options of resolveAgentOptions(config)) {
      const agent = await startSimulatedAgent(options);
      agents.push(agent);
      process.stdout.write(`simulated agent ${agent.name} listening on ${agent.url}\n`);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  const stop = () => {
    void stopAll().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof CliUsageError) {
    process.stderr.write(`${error.message}\n\n${SIMULATED_AGENT_USAGE}`);
  } else if (error instanceof ConfigError || error instanceof InvalidSimulationSettingsError) {
    process.stderr.write(`${error.message}\n`);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`cannot listen: ${(error as Error).message} (another program holds the port; choose one with --port, 0 for any)\n`);
  } else {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(2);
});
