import { HttpException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import { HiveMetricsRegistry } from './hive-metrics.registry';

/**
 * Times every HTTP request Nest routes (hive_api_request_duration_seconds) and
 * counts 5xx answers (hive_api_errors_total). The route label is the route
 * pattern (`/api/tasks/:id`), never the raw path, so label values stay few.
 * The scrape itself is not counted.
 */
@Injectable()
export class HttpMetricsInterceptor implements NestInterceptor {
  constructor(private readonly metrics: HiveMetricsRegistry) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    // The route pattern: Express keeps it in request.route.path, Fastify in request.routeOptions.url.
    const request = http.getRequest<{ method: string; route?: { path?: string }; routeOptions?: { url?: string } }>();
    const route = request.route?.path ?? request.routeOptions?.url ?? 'unmatched';
    if (route === '/metrics') return next.handle();
    const stop = this.metrics.apiRequestDuration.startTimer({ method: request.method, route });
    const record = (status: number) => {
      stop({ status: String(status) });
      if (status >= 500) this.metrics.apiErrors.inc({ method: request.method, route, status: String(status) });
    };
    return next.handle().pipe(tap({
      next: () => undefined,
      complete: () => record(http.getResponse<{ statusCode: number }>().statusCode),
      error: (error: unknown) => record(error instanceof HttpException ? error.getStatus() : 500),
    }));
  }
}
