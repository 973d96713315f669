import 'reflect-metadata';
import { loadConfig } from '@hive/config';
import { bootstrapService } from '@hive/messaging';
import { AppModule } from './app.module';
import { PerformanceMonitorConfig } from './config/performance-monitor.config';

const config = loadConfig(PerformanceMonitorConfig);
void bootstrapService({ service: 'performance-monitor', module: AppModule, port: config.PERFORMANCE_MONITOR_PORT, host: config.HTTP_HOST, json: process.env['NODE_ENV'] === 'production' });
