import { InvalidSimulationSettingsError } from './invalid-simulation-settings.error';

/** The settings that can change while the agent runs (PATCH /sim/settings). */
export interface SimulationTunables {
  /** Time before the first token, in milliseconds (prompt evaluation). */
  readonly latencyMs: number;
  /** Generation speed; 0 generates as fast as the connection takes it. */
  readonly tokensPerSecond: number;
  /** Share of generation requests answered with a 500 (0..1). */
  readonly failureRate: number;
  /** Generation requests in flight at most; more are turned away (503 / 429). 0 means no limit. */
  readonly maxConcurrent: number;
  /** Length of an answer, in tokens, unless the request asks for fewer (num_predict, max_tokens). */
  readonly responseTokens: number;
}

/** How one simulated agent behaves. */
export interface SimulationSettings extends SimulationTunables {
  /** Shown in /sim/stats and the start-up line. */
  readonly name: string;
  /** Model names as Ollama would list them (`deepseek-r1:7b`; no tag means `:latest`). */
  readonly models: readonly string[];
  /** Source of randomness for the failure rate (tests pin it). */
  readonly random: () => number;
}

export const DEFAULT_TUNABLES: SimulationTunables = {
  latencyMs: 250,
  tokensPerSecond: 25,
  failureRate: 0,
  maxConcurrent: 4,
  responseTokens: 48,
};

const RANGES: Readonly<Record<keyof SimulationTunables, { min: number; max: number; integer: boolean }>> = {
  latencyMs: { min: 0, max: 600_000, integer: true },
  tokensPerSecond: { min: 0, max: 1_000_000, integer: false },
  failureRate: { min: 0, max: 1, integer: false },
  maxConcurrent: { min: 0, max: 100_000, integer: true },
  responseTokens: { min: 1, max: 1_000_000, integer: true },
};

/** Throws InvalidSimulationSettingsError naming every value out of range, and a missing name or model list. */
export function assertValidSettings(settings: SimulationSettings): void {
  const problems: string[] = [];
  if (settings.name.trim() === '') problems.push('name must not be empty');
  if (settings.models.length === 0) problems.push('models must name at least one model');
  for (const model of settings.models) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*(:[A-Za-z0-9._-]+)?$/.test(model)) problems.push(`model name ${JSON.stringify(model)} is not a valid Ollama model name`);
  }
  for (const [key, range] of Object.entries(RANGES) as [keyof SimulationTunables, (typeof RANGES)[keyof SimulationTunables]][]) {
    const value = settings[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range.min || value > range.max || (range.integer && !Number.isInteger(value))) {
      problems.push(`${key} must be ${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}, got ${JSON.stringify(value)}`);
    }
  }
  if (problems.length > 0) throw new InvalidSimulationSettingsError(problems);
}
