import type { CapabilityData } from '@hive/contracts';

interface CapabilityRule {
  /** Tested against the model's base name: lower case, without registry/namespace and tag. */
  readonly pattern: RegExp;
  readonly capabilities: readonly CapabilityData[];
}

/** `(^|[^a-z])` keeps `codellama` out of llama's rule and `codegemma` out of gemma's. */
const RULES: readonly CapabilityRule[] = [
  { pattern: /(^|[^a-z])deepseek-r1/, capabilities: [cap('reasoning', 0.9), cap('code_review', 0.85), cap('analysis', 0.8)] },
  { pattern: /(^|[^a-z])deepseek-coder/, capabilities: [cap('code_generation', 0.9), cap('code_review', 0.85), cap('debugging', 0.8)] },
  { pattern: /(^|[^a-z])starcoder/, capabilities: [cap('code_generation', 0.9), cap('code_completion', 0.85)] },
  { pattern: /(^|[^a-z])codellama/, capabilities: [cap('code_generation', 0.8), cap('code_completion', 0.8), cap('debugging', 0.7)] },
  { pattern: /(^|[^a-z])qwen[\d.]*-coder/, capabilities: [cap('code_generation', 0.88), cap('code_completion', 0.85), cap('code_review', 0.8)] },
  { pattern: /(^|[^a-z])qwen[\d.]*(?!.*coder)(-|$)/, capabilities: [cap('general', 0.8), cap('chat', 0.8), cap('reasoning', 0.7)] },
  { pattern: /(^|[^a-z])codegemma/, capabilities: [cap('code_generation', 0.75), cap('code_completion', 0.8)] },
  { pattern: /(^|[^a-z])llama-?3/, capabilities: [cap('general', 0.8), cap('chat', 0.85)] },
  { pattern: /(^|[^a-z])(mistral|mixtral)/, capabilities: [cap('general', 0.75), cap('chat', 0.8)] },
  { pattern: /(^|[^a-z])phi-?[34]/, capabilities: [cap('general', 0.65), cap('reasoning', 0.6)] },
  { pattern: /(^|[^a-z])gemma/, capabilities: [cap('general', 0.7), cap('chat', 0.75)] },
  { pattern: /(^|[^a-z])(llava|bakllava|moondream)|-vision/, capabilities: [cap('vision', 0.8)] },
  { pattern: /(^|[^a-z])(nomic-embed|mxbai-embed|snowflake-arctic-embed|all-minilm|bge-)|embed/, capabilities: [cap('embedding', 0.9)] },
];

/**
 * The capabilities an endpoint's models suggest, as the original Hive
 * inferred them from model names (deepseek-r1 reasons and reviews code,
 * starcoder2 generates and completes code, nomic-embed-text embeds, ...).
 * Several models: each capability at its best proficiency. Unknown models
 * contribute nothing. Sorted by proficiency, then name.
 */
export function detectCapabilities(modelNames: readonly string[]): CapabilityData[] {
  const best = new Map<string, number>();
  for (const modelName of modelNames) {
    const base = baseName(modelName);
    for (const rule of RULES) {
      if (!rule.pattern.test(base)) continue;
      for (const { name, proficiency } of rule.capabilities) best.set(name, Math.max(best.get(name) ?? 0, proficiency));
    }
  }
  return sorted([...best].map(([name, proficiency]) => cap(name, proficiency)));
}

/**
 * Declared capabilities with the detected ones added: where both name a
 * capability, the declared proficiency wins (the operator knows the agent).
 */
export function mergeCapabilities(declared: readonly CapabilityData[], detected: readonly CapabilityData[]): CapabilityData[] {
  const declaredNames = new Set(declared.map((capability) => capability.name));
  return sorted([...declared.map(({ name, proficiency }) => cap(name, proficiency)), ...detected.filter((capability) => !declaredNames.has(capability.name))]);
}

/** `hf.co/bartowski/DeepSeek-R1-Distill:Q4_K_M` → `deepseek-r1-distill`. */
function baseName(modelName: string): string {
  const withoutTag = modelName.toLowerCase().split(':')[0];
  return withoutTag.slice(withoutTag.lastIndexOf('/') + 1);
}

function cap(name: string, proficiency: number): CapabilityData {
  return { name, proficiency };
}

function sorted(capabilities: CapabilityData[]): CapabilityData[] {
  return capabilities.sort((a, b) => b.proficiency - a.proficiency || a.name.localeCompare(b.name));
}
