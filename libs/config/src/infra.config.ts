import { IsIn, IsInt, IsIP, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Settings every Hive service shares. Each property has a development default
 * matching `npm run infra:up`, so a bare checkout runs; production sets them.
 */
export class InfraConfig {
  /** Comma-separated host:port list. */
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be a comma-separated list of host:port' })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/hive';

  /** Prefix for every topic and consumer group (tests use a unique one per run). */
  @IsString()
  @Matches(/^[a-z0-9_.-]*$/, { message: 'HIVE_TOPIC_PREFIX may contain only a-z, 0-9, ".", "_" and "-"' })
  HIVE_TOPIC_PREFIX: string = '';

  /** Prefix for every PostgreSQL schema name (tests use a unique one per run). */
  @IsString()
  @Matches(/^[a-z0-9_]*$/, { message: 'HIVE_SCHEMA_PREFIX may contain only a-z, 0-9 and "_"' })
  HIVE_SCHEMA_PREFIX: string = '';

  /** Address the service's HTTP server binds: loopback locally, 0.0.0.0 in a container. */
  @IsIP()
  HTTP_HOST: string = '127.0.0.1';

  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL: 'debug' | 'info' | 'warn' | 'error' = 'info';

  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 10;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  HIVE_INSTANCE_ID?: string = undefined;

  /** How often each instance publishes its process sample (service.metrics_sampled); 0 turns it off. */
  @IsInt()
  @Min(0)
  TELEMETRY_INTERVAL_MS: number = 10_000;
}
