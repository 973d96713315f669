import { readFileSync, statfsSync } from 'node:fs';
import { hostname, totalmem } from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { ServiceMetricsSampledData } from '@hive/contracts';

/**
 * Samples this process: cpu over the interval (percent of one core), resident
 * memory (bytes and percent of the host), heap, mean event-loop delay, usage
 * of the file system holding the working directory, and the host's network
 * rates from /proc/net/dev (Linux; absent elsewhere).
 */
export class ProcessSampler {
  private lastCpu = process.cpuUsage();
  private lastAt = process.hrtime.bigint();
  private lastNet = readNetworkBytes();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  readonly instanceId: string;

  constructor(readonly service: string, instanceId?: string) {
    this.instanceId = instanceId ?? `${hostname()}:${process.pid}`;
    this.loop.enable();
  }

  sample(now = new Date()): ServiceMetricsSampledData {
    const at = process.hrtime.bigint();
    const elapsedUs = Number(at - this.lastAt) / 1000;
    const cpu = process.cpuUsage(this.lastCpu);
    this.lastCpu = process.cpuUsage();
    this.lastAt = at;
    const memory = process.memoryUsage();
    const net = readNetworkBytes();
    const seconds = elapsedUs / 1e6;
    const rates = net && this.lastNet && seconds > 0
      ? { networkRxBytesPerSecond: Math.max(0, (net.rx - this.lastNet.rx) / seconds), networkTxBytesPerSecond: Math.max(0, (net.tx - this.lastNet.tx) / seconds) }
      : {};
    this.lastNet = net;
    const lag = this.loop.mean / 1e6;
    this.loop.reset();
    const disk = diskUsage();
    return {
      service: this.service, instanceId: this.instanceId, timestamp: now.toISOString(),
      cpuUsage: round(elapsedUs > 0 ? (100 * (cpu.user + cpu.system)) / elapsedUs : 0),
      memoryUsage: round(Math.min(100, (100 * memory.rss) / totalmem())), memoryRssBytes: memory.rss, heapUsedBytes: memory.heapUsed,
      eventLoopLagMs: round(Number.isFinite(lag) ? lag : 0), ...(disk === undefined ? {} : { diskUsage: round(disk) }),
      ...(rates.networkRxBytesPerSecond === undefined ? {} : { networkRxBytesPerSecond: round(rates.networkRxBytesPerSecond), networkTxBytesPerSecond: round(rates.networkTxBytesPerSecond ?? 0) }),
      uptimeSeconds: round(process.uptime()),
    };
  }

  stop(): void {
    this.loop.disable();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

function diskUsage(): number | undefined {
  try {
    const s = statfsSync(process.cwd());
    return s.blocks > 0 ? (100 * (s.blocks - s.bavail)) / s.blocks : undefined;
  } catch {
    return undefined;
  }
}

function readNetworkBytes(): { rx: number; tx: number } | undefined {
  try {
    let rx = 0;
    let tx = 0;
    for (const line of readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2)) {
      const [name, rest] = line.split(':');
      if (!rest || name.trim() === 'lo') continue;
      const cols = rest.trim().split(/\s+/).map(Number);
      rx += cols[0] ?? 0;
      tx += cols[8] ?? 0;
    }
    return { rx, tx };
  } catch {
    return undefined;
  }
}
