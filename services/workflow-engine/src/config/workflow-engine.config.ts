import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { InfraConfig } from '@hive/config';

export class WorkflowEngineConfig extends InfraConfig {
  /** Port of the health endpoint. */
  @IsInt() @Min(0) @Max(65535)
  WORKFLOW_ENGINE_PORT: number = 3103;

  /** Hosts HTTP Request nodes may call, comma-separated: `*` for any, `*.example.com` for a domain and its subdomains. */
  @IsString() @Matches(/^[a-z0-9*.,:_-]*$/i, { message: 'WORKFLOW_HTTP_ALLOWED_HOSTS must be a comma-separated list of hosts (`*`, `*.example.com`, `api.example.com`)' })
  WORKFLOW_HTTP_ALLOWED_HOSTS: string = '*';

  /** Default timeout of an HTTP Request node without its own. */
  @IsInt() @Min(100) @Max(3_600_000)
  WORKFLOW_HTTP_TIMEOUT_MS: number = 30_000;

  /** Environment variables expressions may read as $env, comma-separated names. Nothing else of the host's environment is visible. */
  @IsString() @Matches(/^[A-Z0-9_,]*$/i, { message: 'WORKFLOW_ENV_ALLOWLIST must be a comma-separated list of variable names' })
  WORKFLOW_ENV_ALLOWLIST: string = '';

  /** Time limit of one Code node run. */
  @IsInt() @Min(10) @Max(600_000)
  WORKFLOW_CODE_TIMEOUT_MS: number = 5_000;

  /** Memory limit of one Code node run. */
  @IsInt() @Min(4) @Max(2048)
  WORKFLOW_CODE_MEMORY_MB: number = 64;

  /** Time limit of one expression. */
  @IsInt() @Min(10) @Max(60_000)
  WORKFLOW_EXPRESSION_TIMEOUT_MS: number = 1_000;

  /**
   * `on`: check every execution event against its contract before appending it. The engine builds
   * these events in code that the unit, corpus and e2e tests run with the check on; `off` saves
   * about a tenth of the engine's CPU per small execution (ADR 0004).
   */
  @IsIn(['on', 'off'])
  WORKFLOW_EVENT_VALIDATION: string = 'on';

  /** Largest output (JSON) of one node run: it travels in one event, one Kafka message (ADR 0004). */
  @IsInt() @Min(1) @Max(700)
  WORKFLOW_MAX_OUTPUT_KB: number = 512;

  /** $vars for expressions, as a JSON object of strings. */
  @IsString()
  WORKFLOW_VARS_JSON: string = '{}';
}

/** The allow-listed part of the environment, for $env. */
export function allowedEnvironment(config: WorkflowEngineConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of config.WORKFLOW_ENV_ALLOWLIST.split(',').map((s) => s.trim()).filter(Boolean)) {
    // Variable names come from configuration, so they cannot be declared as properties; only allow-listed ones are read.
    // eslint-disable-next-line no-restricted-syntax
    const value = process.env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export function workflowVars(config: WorkflowEngineConfig): Record<string, string> {
  const parsed = JSON.parse(config.WORKFLOW_VARS_JSON) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('WORKFLOW_VARS_JSON must be a JSON object');
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}
