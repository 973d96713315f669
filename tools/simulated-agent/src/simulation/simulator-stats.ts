/** What GET /sim/stats reports: counters since start, and fake resource usage. */
export interface SimulatorStats {
  readonly name: string;
  readonly uptimeMs: number;
  readonly requests: {
    /** Generation requests received (generate, chat, chat/completions). */
    readonly received: number;
    /** Currently generating. */
    readonly active: number;
    /** Finished and fully sent. */
    readonly completed: number;
    /** Failed on purpose (failure rate): answered 500. */
    readonly failed: number;
    /** Turned away because max concurrent requests were in flight. */
    readonly rejected: number;
    /** The client went away before the answer was complete. */
    readonly aborted: number;
    /** Answered 4xx (unknown model, malformed body). */
    readonly invalid: number;
  };
  readonly tokens: {
    readonly prompt: number;
    /** Completion tokens actually produced, including those of aborted requests. */
    readonly generated: number;
  };
  /** Made-up usage figures (percentages) that follow the load, for health checks and dashboards. */
  readonly resources: {
    readonly cpuPercent: number;
    readonly memoryPercent: number;
    readonly gpuPercent: number;
  };
}
