import { IsInt, Max, Min } from 'class-validator';
import { InfraConfig } from '@hive/config';

export class GatewayConfig extends InfraConfig {
  @IsInt() @Min(0) @Max(65535)
  GATEWAY_PORT: number = 3000;
}
