import type { FactoryProvider } from '@nestjs/common';
import type { InfraConfig } from '@hive/config';
import { hiveCatalogue } from '@hive/contracts';
import { HiveEventing } from '../hive-eventing';

/**
 * Provides a started {@link HiveEventing} for a service, built from the
 * service's validated config class (which must itself be provided).
 */
export function hiveEventingProvider(service: string, configClass: abstract new () => InfraConfig, options: { relay?: boolean } = {}): FactoryProvider<HiveEventing> {
  return {
    provide: HiveEventing,
    inject: [configClass],
    useFactory: async (config: InfraConfig) => {
      const eventing = new HiveEventing({ service, config, catalogue: hiveCatalogue, relay: options.relay });
      await eventing.start();
      return eventing;
    },
  };
}
