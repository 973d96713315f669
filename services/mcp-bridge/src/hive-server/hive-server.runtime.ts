import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hiveCatalogue } from '@hive/contracts';
import { HiveEventing } from '@hive/messaging';
import { ProjectionRunner } from '@hive/projections';
import { TokenVerifier } from '../auth/token-verifier';
import { McpBridgeConfig } from '../config/mcp-bridge.config';
import { hiveViewProjection } from '../hive-view/hive-view.projection';
import { HiveViewReadModel } from '../hive-view/hive-view.read-model';
import { McpBridgeRuntime } from '../mcp-bridge.runtime';
import { HiveCommands } from './hive-commands';
import type { HiveServerDeps } from './hive-mcp-server';

/**
 * What Hive's own MCP server needs: the read models (projected from the
 * agent, task, workflow and execution topics), the command sender, the
 * registry of external servers and the token verifier.
 */
@Injectable()
export class HiveServerRuntime implements OnApplicationBootstrap, OnModuleDestroy {
  readonly view: HiveViewReadModel;
  readonly commands: HiveCommands;
  readonly verifier: TokenVerifier;
  readonly deps: HiveServerDeps;
  private readonly projections: ProjectionRunner;
  private readonly changes = new EventEmitter();

  constructor(eventing: HiveEventing, config: McpBridgeConfig, bridge: McpBridgeRuntime) {
    this.changes.setMaxListeners(0);
    this.view = new HiveViewReadModel(eventing.pool, eventing.schema);
    this.commands = new HiveCommands({
      kafka: eventing.kafka, topicPrefix: eventing.topicPrefix, timeoutMs: config.MCP_COMMAND_TIMEOUT_MS, instanceId: config.HIVE_INSTANCE_ID ?? randomUUID(),
    });
    this.verifier = new TokenVerifier(config.HIVE_JWT_SECRET, { jwksUrl: config.HIVE_JWT_JWKS_URL, issuer: config.HIVE_JWT_ISSUER });
    this.projections = new ProjectionRunner({
      kafka: eventing.kafka, pool: eventing.pool, schema: eventing.schema, catalogue: hiveCatalogue, topicPrefix: eventing.topicPrefix,
      projections: [hiveViewProjection(eventing.schema)], afterCommit: () => this.changes.emit('changed'),
    });
    this.deps = {
      view: this.view, commands: this.commands, registry: bridge.registry, readYourWritesMs: 3_000, coordinateTimeoutMs: config.MCP_COORDINATE_TIMEOUT_MS,
      waitForView: (check, timeoutMs) => this.waitForView(check, timeoutMs),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.projections.start();
    await this.commands.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.commands.stop();
    await this.projections.stop();
  }

  /** Re-checks after every projected batch (and at least every 500 ms) until `check` has a value or the time is up. */
  private async waitForView<T>(check: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.changes.off('changed', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 500));
        this.changes.once('changed', done);
      });
    }
  }
}
