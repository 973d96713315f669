import { InvalidSimulationSettingsError } from '../simulation/invalid-simulation-settings.error';
import type { SimulationEngine } from '../simulation/simulation-engine';
import type { SimulationSettings, SimulationTunables } from '../simulation/simulation-settings';
import type { HttpExchange } from './http-exchange';
import { RequestRejectedError } from './request-rejected.error';

const TUNABLE_KEYS: readonly (keyof SimulationTunables)[] = ['latencyMs', 'tokensPerSecond', 'failureRate', 'maxConcurrent', 'responseTokens'];

/**
 * The simulator's own endpoints, for tests, demos and benchmarks (no real LLM
 * server has them): GET /sim/stats (counters, fake resource usage, settings)
 * and PATCH /sim/settings (make the agent slower, faster or failing while it runs).
 */
export class SimControlHandler {
  constructor(private readonly engine: SimulationEngine) {}

  async handle(exchange: HttpExchange): Promise<void> {
    if (exchange.method === 'GET' && exchange.path === '/sim/stats') {
      return exchange.sendJson(200, { ...this.engine.stats(), settings: tunables(this.engine.settings) });
    }
    if (exchange.method === 'PATCH' && exchange.path === '/sim/settings') return this.tune(exchange);
    return exchange.sendJson(404, { error: `no simulator endpoint ${exchange.method} ${exchange.path}` });
  }

  private async tune(exchange: HttpExchange): Promise<void> {
    try {
      const body = await exchange.readJsonObject();
      const unknown = Object.keys(body).filter((key) => !(TUNABLE_KEYS as readonly string[]).includes(key));
      if (unknown.length > 0) throw RequestRejectedError.malformed(`unknown settings ${unknown.join(', ')}; tunable: ${TUNABLE_KEYS.join(', ')}`);
      const settings = this.engine.tune(body as Partial<SimulationTunables>);
      exchange.sendJson(200, { settings: tunables(settings) });
    } catch (error) {
      if (error instanceof RequestRejectedError || error instanceof InvalidSimulationSettingsError) return exchange.sendJson(400, { error: error.message });
      throw error;
    }
  }
}

function tunables(settings: SimulationSettings): SimulationTunables {
  const { latencyMs, tokensPerSecond, failureRate, maxConcurrent, responseTokens } = settings;
  return { latencyMs, tokensPerSecond, failureRate, maxConcurrent, responseTokens };
}
