import { shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSHandle, type QuickJSRuntime, type QuickJSWASMModule } from 'quickjs-emscripten';
import type { JsonValue } from '../n8n/n8n-workflow.types';
import type { EvaluationData } from './evaluation-data';
import { prelude } from './prelude';
import { loadQuickJs } from './load-quickjs';
import { SandboxError } from './sandbox.error';

export interface SandboxLimits {
  /** Wall-clock limit of one evaluation (an expression) or one Code node run. */
  readonly timeoutMs: number;
  readonly memoryBytes: number;
}

interface Slot {
  readonly runtime: QuickJSRuntime;
  readonly vm: QuickJSContext;
}

/**
 * User code runs in QuickJS compiled to WebAssembly: a separate JavaScript
 * engine with its own heap, no access to Node's globals, modules, file system
 * or network, a memory cap, and an interrupt handler that stops it at its
 * deadline. (node:vm is not a sandbox: its contexts share the host's
 * process and prototypes can be walked back to it.)
 *
 * Expressions share one hardened context (building a context costs ~0.3 ms,
 * an evaluation ~15 µs); a Code node gets a fresh runtime per run so its
 * memory limit and any state it builds are its own.
 */
export class QuickJsSandbox {
  private shared: Slot | undefined;

  private constructor(private readonly module: QuickJSWASMModule, readonly expressionLimits: SandboxLimits, readonly codeLimits: SandboxLimits) {}

  static async create(limits: { expression?: Partial<SandboxLimits>; code?: Partial<SandboxLimits> } = {}): Promise<QuickJsSandbox> {
    return new QuickJsSandbox(
      await loadQuickJs(),
      { timeoutMs: 1_000, memoryBytes: 64 << 20, ...limits.expression },
      { timeoutMs: 5_000, memoryBytes: 64 << 20, ...limits.code },
    );
  }

  /** Evaluates expressions for a node run: `evaluate(index, source)` per item; `load` once with the run's data. */
  expressions(data: EvaluationData): ExpressionScope {
    const slot = this.sharedSlot();
    this.call(slot, `__hive.load`, JSON.stringify(data), this.expressionLimits.timeoutMs, 'expression');
    return {
      evaluate: (index: number, source: string): JsonValue | undefined => {
        slot.runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + this.expressionLimits.timeoutMs));
        const result = slot.vm.evalCode(`'use strict'; __hive.at(${index}); __hive.out((${source}\n))`, 'expression.js');
        return this.settle(slot, result, 'expression', true);
      },
    };
  }

  /** Runs a Code node's JavaScript: `mode` decides whether it sees all items once or one item at a time. */
  runCode(code: string, mode: 'runOnceForAllItems' | 'runOnceForEachItem', data: EvaluationData): JsonValue[] {
    const runtime = this.module.newRuntime();
    runtime.setMemoryLimit(this.codeLimits.memoryBytes);
    runtime.setMaxStackSize(1 << 20);
    const vm = runtime.newContext();
    const slot = { runtime, vm };
    try {
      this.boot(slot);
      this.call(slot, '__hive.load', JSON.stringify(data), this.codeLimits.timeoutMs, 'code');
      const deadline = Date.now() + this.codeLimits.timeoutMs;
      runtime.setInterruptHandler(shouldInterruptAfterDeadline(deadline));
      const body = mode === 'runOnceForAllItems'
        ? `'use strict'; (async () => {\n${code}\n})().then((r) => __hive.out(r))`
        : `'use strict'; (async () => { const out = []; for (let index = 0; index < __hive.items().length; index++) { __hive.at(index); const r = await (async () => {\n${code}\n})(); if (r !== undefined && r !== null) out.push(r); } return out; })().then((r) => __hive.out(r))`;
      const promise = this.unwrap(slot, vm.evalCode(body, 'code.js'), 'code');
      try {
        const jobs = runtime.executePendingJobs();
        if (jobs.error) this.throwFrom(slot, jobs.error, 'code');
        const state = vm.getPromiseState(promise);
        if (state.type === 'pending') throw new SandboxError('Code node: the code awaited something that never resolves (only plain JavaScript runs in the sandbox)');
        if (state.type === 'rejected') this.throwFrom(slot, state.error, 'code');
        const out = this.read(slot, state.value) as JsonValue;
        if (Date.now() > deadline) throw new SandboxError(`Code node: stopped after ${this.codeLimits.timeoutMs} ms (time limit)`, 'timeout');
        if (out === undefined || out === null) return [];
        return Array.isArray(out) ? out : [out];
      } finally {
        promise.dispose();
      }
    } finally {
      vm.dispose();
      runtime.dispose();
    }
  }

  dispose(): void {
    this.shared?.vm.dispose();
    this.shared?.runtime.dispose();
    this.shared = undefined;
  }

  private sharedSlot(): Slot {
    if (this.shared) return this.shared;
    const runtime = this.module.newRuntime();
    runtime.setMemoryLimit(this.expressionLimits.memoryBytes);
    runtime.setMaxStackSize(1 << 20);
    const slot = { runtime, vm: runtime.newContext() };
    this.boot(slot);
    this.shared = slot;
    return slot;
  }

  private boot(slot: Slot): void {
    slot.runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + 5_000));
    this.unwrap(slot, slot.vm.evalCode(prelude, 'prelude.js'), 'code').dispose();
  }

  private call(slot: Slot, fn: string, argument: string, timeoutMs: number, what: 'expression' | 'code'): void {
    slot.runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + timeoutMs));
    const arg = slot.vm.newString(argument);
    try {
      const target = this.unwrap(slot, slot.vm.evalCode(fn, 'load.js'), what);
      try {
        this.unwrap(slot, slot.vm.callFunction(target, slot.vm.undefined, arg), what).dispose();
      } finally {
        target.dispose();
      }
    } finally {
      arg.dispose();
    }
  }

  private settle(slot: Slot, result: ReturnType<QuickJSContext['evalCode']>, what: 'expression' | 'code', shared: boolean): JsonValue | undefined {
    try {
      const handle = this.unwrap(slot, result, what);
      try {
        return this.read(slot, handle);
      } finally {
        handle.dispose();
      }
    } catch (error) {
      // A limit hit may leave the shared context half-way through something: start a fresh one.
      if (shared && error instanceof SandboxError && error.reason !== 'error') this.dispose();
      throw error;
    }
  }

  private read(slot: Slot, handle: QuickJSHandle): JsonValue | undefined {
    const text = slot.vm.getString(handle);
    const parsed = JSON.parse(text) as { v?: JsonValue; u?: 1 };
    return parsed.u === 1 ? undefined : parsed.v;
  }

  private unwrap(slot: Slot, result: ReturnType<QuickJSContext['evalCode']>, what: 'expression' | 'code'): QuickJSHandle {
    if (result.error) this.throwFrom(slot, result.error, what);
    return result.value;
  }

  private throwFrom(slot: Slot, errorHandle: QuickJSHandle, what: 'expression' | 'code'): never {
    const dumped = slot.vm.dump(errorHandle) as { name?: string; message?: string } | string | null;
    errorHandle.dispose();
    const name = typeof dumped === 'object' && dumped !== null ? dumped.name ?? 'Error' : 'Error';
    const message = typeof dumped === 'object' && dumped !== null ? dumped.message ?? String(dumped) : String(dumped);
    const label = what === 'code' ? 'Code node' : 'Expression';
    if (name === 'InternalError' && message === 'interrupted') {
      const limit = what === 'code' ? this.codeLimits.timeoutMs : this.expressionLimits.timeoutMs;
      throw new SandboxError(`${label}: stopped after ${limit} ms (time limit)`, 'timeout');
    }
    if (name === 'InternalError' && /out of memory|stack overflow/.test(message)) {
      throw new SandboxError(`${label}: ${message} (memory limit)`, 'memory');
    }
    if (name === 'ReferenceError' && /'(process|require|module|global|globalThis\.process|Buffer|fetch|setTimeout|setInterval)' is not defined/.test(message)) {
      throw new SandboxError(`${label}: ${message}: the sandbox has no access to the host (no process, require, modules, network or timers)`);
    }
    throw new SandboxError(`${label}: ${name}: ${message}`);
  }
}

export interface ExpressionScope {
  evaluate(index: number, source: string): JsonValue | undefined;
}
