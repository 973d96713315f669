/** What `hive-simulated-agent --help` prints. */
export const SIMULATED_AGENT_USAGE = `Usage: hive-simulated-agent [options]

Serves the Ollama API (/api/*) and the OpenAI-compatible API (/v1/*) for
simulated models, plus GET /sim/stats and PATCH /sim/settings.

  --preset standard          run acacia (deepseek-r1:7b), walnut (starcoder2:15b) and
                             ironwood (deepseek-coder-v2) on ports 11501-11503
  --name <name>              agent name (single agent)                      SIM_NAME
  --models <a,b>             comma-separated model names (single agent)     SIM_MODELS
  --host <ip>                address to bind (127.0.0.1)                    SIM_HOST
  --port <n>                 port; 0 picks a free one (single agent: 0;     SIM_PORT
                             preset: first port, default 11501)
  --latency-ms <n>           time before the first token (250)              SIM_LATENCY_MS
  --tokens-per-second <n>    generation speed, 0 = as fast as possible (25) SIM_TOKENS_PER_SECOND
  --failure-rate <0..1>      share of requests answered 500 (0)             SIM_FAILURE_RATE
  --max-concurrent <n>       requests in flight, more get 503/429, 0 = no   SIM_MAX_CONCURRENT
                             limit (4)
  --response-tokens <n>      answer length unless the request asks for      SIM_RESPONSE_TOKENS
                             fewer (48)
  -h, --help                 show this help
`;
