import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigError } from './config-error';

/**
 * Loads a config class from environment variables. Property names are the
 * variable names (e.g. `KAFKA_BROKERS`); class-transformer converts types
 * (`@Type(() => Number)`), class-validator checks them. The only place in a
 * service that reads `process.env`.
 */
export function loadConfig<T extends object>(configClass: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new configClass() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = env[key];
    raw[key] = value === undefined || value === '' ? defaults[key] : value;
  }
  const config = plainToInstance(configClass, raw, { enableImplicitConversion: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.map((error) => `${error.property}=${JSON.stringify(raw[error.property])}: ${Object.values(error.constraints ?? {}).join(', ')}`),
    );
  }
  return Object.freeze(config);
}
