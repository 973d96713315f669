import './tracing';
import 'reflect-metadata';
import { loadConfig } from '@hive/config';
import { bootstrapService } from '@hive/messaging';
import { HiveLogger } from '@hive/observability';
import { AppModule } from './app.module';
import { PerformanceMonitorConfig } from './config/performance-monitor.config';

const config = loadConfig(PerformanceMonitorConfig);
const json = process.env['NODE_ENV'] === 'production';
void bootstrapService({
  service: 'performance-monitor', module: AppModule, port: config.PERFORMANCE_MONITOR_PORT, host: config.HTTP_HOST, json,
  logger: new HiveLogger('performance-monitor', { json }),
});
