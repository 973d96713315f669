import { watchFile, unwatchFile, readFileSync, existsSync, type Stats } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { AlertRule } from './alert-rule';
import { parseAlertRules, type RuleError } from './parse-alert-rules';

export interface RulesStatus {
  readonly path: string;
  readonly loadedAt: string | undefined;
  readonly rules: readonly string[];
  readonly errors: readonly RuleError[];
  /** Set while the file on disk is unusable and the previous rules keep running. */
  readonly fileError: string | undefined;
}

/**
 * The alert rules from a YAML file, reloaded when the file changes (polled by
 * mtime and size, which also catches editors that replace the file). A rule
 * with an error is reported and left out while the others apply; a file that
 * cannot be parsed at all is reported and the previous rules stay in force.
 */
export class AlertRulesFile {
  private readonly logger = new Logger(AlertRulesFile.name);
  private current: readonly AlertRule[] = [];
  private errors: readonly RuleError[] = [];
  private fileError: string | undefined;
  private loadedAt: string | undefined;
  private watching = false;

  constructor(private readonly path: string, private readonly pollMs: number) {}

  get rules(): readonly AlertRule[] {
    return this.current;
  }

  status(): RulesStatus {
    return { path: this.path, loadedAt: this.loadedAt, rules: this.current.map((r) => r.name), errors: this.errors, fileError: this.fileError };
  }

  start(): void {
    this.reload();
    if (this.watching) return;
    this.watching = true;
    watchFile(this.path, { interval: this.pollMs, persistent: false }, (now: Stats, before: Stats) => {
      if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino) this.reload();
    });
  }

  stop(): void {
    if (this.watching) unwatchFile(this.path);
    this.watching = false;
  }

  /** Reads the file again; returns whether the rules were replaced. */
  reload(): boolean {
    if (!existsSync(this.path)) {
      this.fileError = `${this.path} does not exist`;
      this.logger.warn(`alert rules: ${this.fileError}; keeping ${this.current.length} rule(s)`);
      return false;
    }
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      this.fileError = `cannot read ${this.path}: ${(error as Error).message}`;
      this.logger.error(`alert rules: ${this.fileError}; keeping ${this.current.length} rule(s)`);
      return false;
    }
    const parsed = parseAlertRules(text);
    if (parsed.fileError) {
      this.fileError = parsed.fileError;
      this.logger.error(`alert rules file ${this.path} rejected: ${parsed.fileError}; keeping the previous ${this.current.length} rule(s)`);
      return false;
    }
    for (const error of parsed.errors) this.logger.error(`alert rule "${error.rule}" rejected: ${error.message}`);
    this.current = parsed.rules;
    this.errors = parsed.errors;
    this.fileError = undefined;
    this.loadedAt = new Date().toISOString();
    this.logger.log(`alert rules loaded from ${this.path}: ${parsed.rules.map((r) => r.name).join(', ') || 'none'}${parsed.errors.length ? ` (${parsed.errors.length} rejected)` : ''}`);
    return true;
  }
}
