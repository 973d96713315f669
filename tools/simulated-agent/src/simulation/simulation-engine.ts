import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import { completionPieces } from './completion-text';
import { countTokens } from './count-tokens';
import { catalogModel, qualifiedModelName, type CatalogModel } from './model-catalog';
import { assertValidSettings, type SimulationSettings, type SimulationTunables } from './simulation-settings';
import type { SimulatorStats } from './simulator-stats';

/** Whether a generation request may run: admitted (call release when done), or turned away. */
export type Admission = { readonly kind: 'admitted'; release(): void } | { readonly kind: 'busy' } | { readonly kind: 'failed' };

export interface GenerationJob {
  readonly model: CatalogModel;
  /** Everything the model reads (system, prompt, messages), for the prompt count and the seed. */
  readonly prompt: string;
  /** Upper bound on completion tokens; absent or negative means none. */
  readonly maxTokens?: number;
}

export interface GenerationOutcome {
  readonly text: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** `length` when maxTokens cut the answer short. */
  readonly doneReason: 'stop' | 'length';
  /** Durations in nanoseconds, as Ollama reports them. */
  readonly totalDurationNs: number;
  readonly loadDurationNs: number;
  readonly promptEvalDurationNs: number;
  readonly evalDurationNs: number;
}

/** Ollama keeps a model in memory for 5 minutes after its last use by default. */
const KEEP_ALIVE_MS = 5 * 60_000;
/** Without a speed limit, give other requests and disconnects a turn this often. */
const TOKENS_PER_TURN = 32;

/**
 * The behaviour behind both APIs: which models exist and are loaded,
 * admission (max concurrent, failure rate), paced deterministic generation
 * that stops when its signal aborts, and the counters of /sim/stats.
 */
export class SimulationEngine {
  readonly models: readonly CatalogModel[];
  private readonly startedAt = Date.now();
  private readonly loadedUntil = new Map<string, number>();
  private readonly counters = { received: 0, active: 0, completed: 0, failed: 0, rejected: 0, aborted: 0, invalid: 0, promptTokens: 0, generatedTokens: 0 };

  private current: SimulationSettings;

  /** Throws InvalidSimulationSettingsError when the settings are out of range. */
  constructor(settings: SimulationSettings) {
    assertValidSettings(settings);
    this.current = settings;
    this.models = settings.models.map(catalogModel);
  }

  get settings(): SimulationSettings {
    return this.current;
  }

  /** Changes speed, latency, failure rate or limits from the next request on. */
  tune(changes: Partial<SimulationTunables>): SimulationSettings {
    const next = { ...this.current, ...changes };
    assertValidSettings(next);
    this.current = next;
    return next;
  }

  findModel(name: string): CatalogModel | undefined {
    const wanted = qualifiedModelName(name);
    return this.models.find((model) => model.name === wanted);
  }

  /** Models used within the keep-alive period, with when they will be unloaded. */
  loadedModels(): { model: CatalogModel; expiresAt: Date }[] {
    const now = Date.now();
    return this.models
      .filter((model) => (this.loadedUntil.get(model.name) ?? 0) > now)
      .map((model) => ({ model, expiresAt: new Date(this.loadedUntil.get(model.name) ?? now) }));
  }

  /** Loads a model without generating (Ollama's empty-prompt request). */
  load(model: CatalogModel): void {
    this.loadedUntil.set(model.name, Date.now() + KEEP_ALIVE_MS);
  }

  /** Counts a generation request answered 4xx before it was admitted. */
  noteInvalid(): void {
    this.counters.received++;
    this.counters.invalid++;
  }

  admit(): Admission {
    this.counters.received++;
    const { maxConcurrent, failureRate, random } = this.settings;
    if (maxConcurrent > 0 && this.counters.active >= maxConcurrent) {
      this.counters.rejected++;
      return { kind: 'busy' };
    }
    if (failureRate > 0 && random() < failureRate) {
      this.counters.failed++;
      return { kind: 'failed' };
    }
    this.counters.active++;
    let released = false;
    return {
      kind: 'admitted',
      release: () => {
        if (released) return;
        released = true;
        this.counters.active--;
      },
    };
  }

  /**
   * Waits out the latency, then hands `emit` one piece (token) at a time at
   * the configured speed. Rejects, counting the request as aborted, as soon as
   * `signal` aborts; what was generated until then stays counted.
   */
  async generate(job: GenerationJob, signal: AbortSignal, emit: (piece: string) => Promise<void>): Promise<GenerationOutcome> {
    const started = process.hrtime.bigint();
    const { latencyMs, tokensPerSecond, responseTokens } = this.settings;
    const limited = job.maxTokens !== undefined && job.maxTokens >= 0 && job.maxTokens < responseTokens;
    const pieces = completionPieces(job.model.name, job.prompt, limited ? (job.maxTokens ?? 0) : responseTokens);
    const promptTokens = countTokens(job.prompt);
    this.counters.promptTokens += promptTokens;
    this.load(job.model);
    const loaded = process.hrtime.bigint();
    try {
      if (latencyMs > 0) await sleep(latencyMs, undefined, { signal });
      const evalStarted = process.hrtime.bigint();
      const evalStartedMs = performance.now();
      const intervalMs = tokensPerSecond > 0 ? 1000 / tokensPerSecond : 0;
      let sinceTurn = 0;
      for (let index = 0; index < pieces.length; index++) {
        const waitMs = evalStartedMs + (index + 1) * intervalMs - performance.now();
        if (waitMs >= 1) {
          await sleep(waitMs, undefined, { signal });
          sinceTurn = 0;
        } else if (++sinceTurn >= TOKENS_PER_TURN) {
          await yieldToEventLoop(undefined, { signal });
          sinceTurn = 0;
        }
        signal.throwIfAborted();
        this.counters.generatedTokens++;
        await emit(pieces[index]);
      }
      const finished = process.hrtime.bigint();
      this.counters.completed++;
      this.load(job.model);
      return {
        text: pieces.join(''),
        promptTokens,
        completionTokens: pieces.length,
        doneReason: limited ? 'length' : 'stop',
        totalDurationNs: Number(finished - started),
        loadDurationNs: Number(loaded - started),
        promptEvalDurationNs: Number(evalStarted - loaded),
        evalDurationNs: Number(finished - evalStarted),
      };
    } catch (error) {
      if (signal.aborted) this.counters.aborted++;
      throw error;
    }
  }

  stats(): SimulatorStats {
    const c = this.counters;
    const busy = this.settings.maxConcurrent > 0 ? c.active / this.settings.maxConcurrent : Math.min(1, c.active / 4);
    const anyLoaded = this.loadedModels().length > 0;
    return {
      name: this.settings.name,
      uptimeMs: Date.now() - this.startedAt,
      requests: { received: c.received, active: c.active, completed: c.completed, failed: c.failed, rejected: c.rejected, aborted: c.aborted, invalid: c.invalid },
      tokens: { prompt: c.promptTokens, generated: c.generatedTokens },
      resources: {
        cpuPercent: round(3 + 60 * busy),
        memoryPercent: round(anyLoaded ? 35 + 20 * busy : 12),
        gpuPercent: round(c.active > 0 ? 40 + 55 * busy : 0),
      },
    };
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
