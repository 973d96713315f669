import { InfluxDB, type WriteApi } from '@influxdata/influxdb-client';
import type { LineTransport } from './line-transport';

export interface InfluxTransportOptions {
  readonly url: string;
  readonly token: string;
  readonly org: string;
  readonly bucket: string;
  readonly timeoutMs?: number;
  /** The largest batch {@link send} is given (the client preallocates its batch). */
  readonly maxBatchLines: number;
}

/**
 * The InfluxDB v2 write API through @influxdata/influxdb-client. The client's
 * own batching and retry buffer are switched off: {@link BufferedMetricsWriter}
 * owns batching, retries and the bound on memory, so a failed write rejects
 * here and its lines stay in that buffer instead of being dropped by the
 * client after its retry budget.
 */
export class InfluxLineTransport implements LineTransport {
  private readonly writeApi: WriteApi;

  constructor(options: InfluxTransportOptions) {
    const influx = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs ?? 10_000 });
    this.writeApi = influx.getWriteApi(options.org, options.bucket, 'ns', {
      // Larger than any batch we send, so the client never splits or flushes on its own.
      batchSize: options.maxBatchLines + 1,
      flushInterval: 0,
      maxRetries: 0,
      gzipThreshold: 64 * 1024,
      // Hand the failure to the caller (the flush promise rejects) rather than to the client's retry buffer.
      writeFailed: (error) => Promise.reject(error),
    });
  }

  async send(lines: readonly string[]): Promise<void> {
    this.writeApi.writeRecords([...lines]);
    await this.writeApi.flush();
  }

  async close(): Promise<void> {
    this.writeApi.dispose();
  }
}
