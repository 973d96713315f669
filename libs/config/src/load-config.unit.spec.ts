import { IsInt, Max, Min } from 'class-validator';
import { ConfigError } from './config-error';
import { InfraConfig } from './infra.config';
import { loadConfig } from './load-config';

class ExampleConfig extends InfraConfig {
  @IsInt() @Min(1) @Max(65535)
  PORT: number = 3000;
}

describe('loadConfig', () => {
  it('uses the defaults when the environment is empty', () => {
    const config = loadConfig(ExampleConfig, {});
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(config.PORT).toBe(3000);
  });

  it('converts numbers from the environment', () => {
    expect(loadConfig(ExampleConfig, { PORT: '8080' }).PORT).toBe(8080);
  });

  it('names every bad variable in one error', () => {
    const load = () => loadConfig(ExampleConfig, { PORT: '70000', KAFKA_BROKERS: 'not a list', DATABASE_URL: 'mysql://x' });
    expect(load).toThrow(ConfigError);
    try {
      load();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain('PORT="70000"');
      expect(message).toContain('KAFKA_BROKERS must be a comma-separated list of host:port');
      expect(message).toContain('DATABASE_URL must be a postgres:// URL');
    }
  });
});
