import { createProvider, type ProviderEndpoint } from '../providers/create-provider';
import { detectCapabilities } from '../providers/capability-detection';
import type { EndpointProbe } from './agent.decider';

/** Probes an endpoint with a deadline; never throws: an unreachable endpoint is a fact for the decider. */
export async function probeEndpoint(endpoint: ProviderEndpoint, timeoutMs = 3_000): Promise<EndpointProbe & { responseTimeMs?: number }> {
  try {
    const result = await createProvider(endpoint).probe(AbortSignal.timeout(timeoutMs));
    const models = result.models.map((model) => model.name);
    return { reachable: true, models, detected: detectCapabilities(models), responseTimeMs: result.responseTimeMs };
  } catch (error) {
    return { reachable: false, models: [], detected: [], error: error instanceof Error ? error.message : String(error) };
  }
}
