import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves when the output contains the text (or rejects after the deadline, or when the process exits first). */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs a TypeScript entry point in its own Node process (compiled on the fly
 * by swc, @hive/* resolved to sources), so a test can SIGKILL a real process.
 */
export function startTsProcess(entry: string, env: NodeJS.ProcessEnv): RunningProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    cwd: repoRoot,
    env: { ...env, TS_NODE_PROJECT: path.join(repoRoot, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    waitForOutput: (wanted, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const matches = () => (typeof wanted === 'string' ? text.includes(wanted) : wanted.test(text));
        const timer = setInterval(() => {
          if (matches()) finish();
        }, 20);
        const deadline = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${String(wanted)} in:\n${text.slice(-3000)}`)), timeoutMs);
        void exited.then((code) => {
          if (!matches()) finish(new Error(`process exited (${code}) before printing ${String(wanted)}:\n${text.slice(-3000)}`));
        });
        function finish(error?: Error) {
          clearInterval(timer);
          clearTimeout(deadline);
          if (error) reject(error);
          else resolve();
        }
        if (matches()) finish();
      }),
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
