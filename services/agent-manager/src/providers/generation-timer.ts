/**
 * Times one generation from the request on: first and last token, response
 * time, and tokens per second measured between tokens.
 */
export class GenerationTimer {
  private readonly startedAt = performance.now();
  private firstTokenAt?: number;
  private lastTokenAt?: number;
  private endedAt?: number;

  /** Records that a token (a streamed chunk of text) arrived now. */
  token(): void {
    const now = performance.now();
    this.firstTokenAt ??= now;
    this.lastTokenAt = now;
  }

  end(): void {
    this.endedAt ??= performance.now();
  }

  get responseTimeMs(): number {
    return (this.endedAt ?? performance.now()) - this.startedAt;
  }

  get timeToFirstTokenMs(): number {
    return this.firstTokenAt === undefined ? this.responseTimeMs : this.firstTokenAt - this.startedAt;
  }

  /**
   * Completion tokens per second of generation: the tokens after the first
   * over the time from the first to the last (prompt evaluation excluded);
   * over the whole response time when all came at once.
   */
  tokensPerSecond(completionTokens: number): number {
    if (completionTokens <= 0) return 0;
    const spanMs = (this.lastTokenAt ?? 0) - (this.firstTokenAt ?? 0);
    if (completionTokens >= 2 && spanMs > 0) return (completionTokens - 1) / (spanMs / 1000);
    return this.responseTimeMs > 0 ? completionTokens / (this.responseTimeMs / 1000) : 0;
  }
}
