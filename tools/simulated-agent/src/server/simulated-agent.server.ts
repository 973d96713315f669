import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulationEngine } from '../simulation/simulation-engine';
import { DEFAULT_TUNABLES, type SimulationSettings, type SimulationTunables } from '../simulation/simulation-settings';
import type { SimulatorStats } from '../simulation/simulator-stats';
import { HttpExchange } from './http-exchange';
import { OllamaApiHandler } from './ollama-api.handler';
import { OpenAiApiHandler } from './openai-api.handler';
import { SimControlHandler } from './sim-control.handler';

export interface SimulatedAgentOptions extends Partial<SimulationTunables> {
  readonly name: string;
  readonly models: readonly string[];
  /** Address to bind; 127.0.0.1 unless told otherwise. */
  readonly host?: string;
  /** Port to bind; 0 (the default) picks a free one, see `SimulatedAgent.port`. */
  readonly port?: number;
  /** Source of randomness for the failure rate; Math.random unless pinned. */
  readonly random?: () => number;
}

/** A running simulated agent. */
export interface SimulatedAgent {
  readonly name: string;
  /** Base URL, e.g. `http://127.0.0.1:11501`: the Ollama API at its root, the OpenAI API under /v1. */
  readonly url: string;
  readonly port: number;
  stats(): SimulatorStats;
  tune(changes: Partial<SimulationTunables>): SimulationSettings;
  /** Stops listening and drops open connections, which aborts generations in flight. */
  close(): Promise<void>;
}

/**
 * Starts one simulated agent: an HTTP server speaking Ollama's API (and its
 * OpenAI-compatible one) for the given models, behaving as the settings say.
 * Throws InvalidSimulationSettingsError for settings out of range.
 */
export async function startSimulatedAgent(options: SimulatedAgentOptions): Promise<SimulatedAgent> {
  const { host = '127.0.0.1', port = 0, random = Math.random, name, models, ...tunables } = options;
  const engine = new SimulationEngine({ ...DEFAULT_TUNABLES, ...withoutUndefined(tunables), name, models, random });
  const ollama = new OllamaApiHandler(engine);
  const openAi = new OpenAiApiHandler(engine);
  const control = new SimControlHandler(engine);

  const server = createServer((request, response) => {
    const exchange = new HttpExchange(request, response);
    const handler = exchange.path.startsWith('/v1/') ? openAi : exchange.path.startsWith('/sim/') ? control : ollama;
    handler.handle(exchange).catch((error: unknown) => {
      if (exchange.signal.aborted) return;
      if (exchange.headersSent) exchange.end();
      else exchange.sendJson(500, { error: `simulated agent error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    name,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    stats: () => engine.stats(),
    tune: (changes) => engine.tune(changes),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
