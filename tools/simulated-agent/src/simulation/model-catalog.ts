import { createHash } from 'node:crypto';

/** A model the simulator serves, described as Ollama's /api/tags describes it. */
export interface CatalogModel {
  /** Fully qualified name, always with a tag (`deepseek-coder-v2:latest`). */
  readonly name: string;
  readonly sizeBytes: number;
  readonly digest: string;
  readonly family: string;
  readonly parameterSize: string;
  readonly quantizationLevel: string;
  readonly modifiedAt: string;
}

interface KnownModel {
  readonly family: string;
  readonly parameterSize: string;
  readonly quantizationLevel: string;
  readonly sizeBytes: number;
}

/** What the Ollama library reports for the models Hive's standard agents serve. */
const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = {
  'deepseek-r1:7b': { family: 'qwen2', parameterSize: '7.6B', quantizationLevel: 'Q4_K_M', sizeBytes: 4_683_075_271 },
  'starcoder2:15b': { family: 'starcoder2', parameterSize: '16.0B', quantizationLevel: 'Q4_0', sizeBytes: 9_065_791_406 },
  'deepseek-coder-v2:latest': { family: 'deepseek2', parameterSize: '15.7B', quantizationLevel: 'Q4_0', sizeBytes: 8_905_125_527 },
};

const MODIFIED_AT = '2025-01-20T10:00:00.000000000Z';

/** Ollama's name normalization: a name without a tag means `:latest`. */
export function qualifiedModelName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

/**
 * Describes a model by name: the Ollama library's figures for known models,
 * otherwise plausible ones derived from the name (`qwen2.5-coder:14b` is a
 * 14B model of family `qwen2.5`, about 0.6 bytes per parameter at Q4).
 */
export function catalogModel(name: string): CatalogModel {
  const qualified = qualifiedModelName(name);
  const known = KNOWN_MODELS[qualified] ?? estimate(qualified);
  return {
    name: qualified,
    digest: createHash('sha256').update(qualified).digest('hex'),
    modifiedAt: MODIFIED_AT,
    ...known,
  };
}

function estimate(qualified: string): KnownModel {
  const [base, tag] = qualified.split(':');
  const billions = Number(/^(\d+(?:\.\d+)?)b$/i.exec(tag)?.[1] ?? 7);
  return {
    family: base.replace(/-(coder|instruct|chat|text).*$/, ''),
    parameterSize: `${billions.toFixed(1)}B`,
    quantizationLevel: 'Q4_K_M',
    sizeBytes: Math.round(billions * 0.6e9),
  };
}
