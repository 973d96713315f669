import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { loadConfig } from '@hive/config';
import { EventingShutdown, hiveEventingProvider } from '@hive/messaging';
import { createWebsocketConnectionsGauge, HiveMetricsRegistry, observabilityProviders } from '@hive/observability';
import { AgentsController } from './agents/agents.controller';
import { AgentsReadModel } from './agents/agents.read-model';
import { ProjectionsController } from './admin/projections.controller';
import { AlertsController } from './alerts/alerts.controller';
import { AlertsReadModel } from './alerts/alerts.read-model';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { CredentialsRepository } from './auth/credentials.repository';
import { DashboardStatic } from './dashboard/dashboard-static';
import { TokenService } from './auth/token.service';
import { CommandBus } from './commands/command-bus';
import { CommandPublisher } from './commands/command-publisher';
import { IdempotencyRepository } from './commands/idempotency.repository';
import { RetentionService } from './commands/retention.service';
import { SignalsService } from './commands/signals.service';
import { GatewayConfig } from './config/gateway.config';
import { ExecutionsController } from './executions/executions.controller';
import { ExecutionsReadModel } from './executions/executions.read-model';
import { GatewayHealthController } from './health.controller';
import { LiveEventsService } from './live/live-events.service';
import { WebSocketHub } from './live/websocket-hub';
import { McpProxyController } from './mcp/mcp-proxy.controller';
import { McpServersController } from './mcp/mcp-servers.controller';
import { McpServersReadModel } from './mcp/mcp-servers.read-model';
import { ProblemFilter } from './problem/problem.filter';
import { hiveValidationPipe } from './problem/validation.pipe';
import { RateLimiter } from './rate-limit/rate-limiter';
import { ReadModelsService } from './read-models.service';
import { MonitorSnapshotsReadModel } from './status/monitor-snapshots.read-model';
import { StatusController } from './status/status.controller';
import { TasksController } from './tasks/tasks.controller';
import { TasksReadModel } from './tasks/tasks.read-model';
import { WorkflowsController } from './workflows/workflows.controller';
import { WorkflowsReadModel } from './workflows/workflows.read-model';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WEBHOOK_PROVIDERS } from './webhooks/webhooks.providers';

/** Every controller of the public API (a test checks each route declares its permission). */
export const CONTROLLERS = [
  GatewayHealthController, AuthController, TasksController, AgentsController, WorkflowsController, ExecutionsController,
  AlertsController, McpServersController, McpProxyController, StatusController, ProjectionsController, WebhooksController,
];

/** The gateway: public REST API and WebSocket, auth, rate limits, and the read models behind them. */
@Module({
  controllers: CONTROLLERS,
  providers: [
    { provide: GatewayConfig, useFactory: () => loadConfig(GatewayConfig) },
    // The gateway owns no aggregate: it appends nothing, so it runs no relay.
    hiveEventingProvider('gateway', GatewayConfig, { relay: false }),
    ...observabilityProviders('gateway', GatewayConfig),
    { provide: 'hive_websocket_connections_active', inject: [HiveMetricsRegistry, WebSocketHub], useFactory: (metrics: HiveMetricsRegistry, hub: WebSocketHub) => createWebsocketConnectionsGauge(metrics, () => hub.connectionCount) },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_FILTER, useClass: ProblemFilter },
    { provide: APP_PIPE, useFactory: hiveValidationPipe },
    TokenService, CredentialsRepository, RateLimiter,
    SignalsService, CommandPublisher, IdempotencyRepository, CommandBus, RetentionService,
    TasksReadModel, AgentsReadModel, WorkflowsReadModel, ExecutionsReadModel, AlertsReadModel, McpServersReadModel, MonitorSnapshotsReadModel,
    ReadModelsService, LiveEventsService, WebSocketHub,
    ...WEBHOOK_PROVIDERS,
    DashboardStatic,
    EventingShutdown,
  ],
})
export class AppModule {}
