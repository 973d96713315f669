import {
  dependantsOf, describeGraphProblem, isReady, validateNewTask, validateTaskBatch, type DependencyEdges, type GraphValidation, type NewTaskNode,
} from './task-graph';

const graph = (entries: Record<string, string[]>): DependencyEdges => new Map(Object.entries(entries));
const node = (taskId: string, ...dependsOn: string[]): NewTaskNode => ({ taskId, dependsOn });
const problemsOf = (result: GraphValidation) => (result.ok ? [] : result.problems);

describe('task graph', () => {
  const known = graph({ a: [], b: ['a'], c: ['a', 'b'] });

  describe('one new task', () => {
    it('accepts a task depending on known tasks', () => {
      expect(validateNewTask(known, node('d', 'b', 'c'))).toEqual({ ok: true, order: ['d'] });
    });

    it('reports a self-dependency', () => {
      expect(problemsOf(validateNewTask(known, node('d', 'd')))).toEqual([{ kind: 'self_dependency', taskId: 'd' }]);
    });

    it('reports unknown dependencies, each by id', () => {
      expect(problemsOf(validateNewTask(known, node('d', 'a', 'x', 'y')))).toEqual([
        { kind: 'unknown_dependency', taskId: 'd', dependencyId: 'x' },
        { kind: 'unknown_dependency', taskId: 'd', dependencyId: 'y' },
      ]);
    });

    it('reports a dependency listed twice', () => {
      expect(problemsOf(validateNewTask(known, node('d', 'a', 'a')))).toEqual([{ kind: 'duplicate_dependency', taskId: 'd', dependencyId: 'a' }]);
    });

    it('reports an id that already exists', () => {
      expect(problemsOf(validateNewTask(known, node('b', 'a')))).toEqual([{ kind: 'duplicate_task', taskId: 'b' }]);
    });

    it('finds a cycle closed through known tasks that name the new id', () => {
      // A known graph that (wrongly) references a task before it exists: x -> y -> new.
      const dangling = graph({ x: ['y'], y: ['n'] });
      expect(problemsOf(validateNewTask(dangling, node('n', 'x')))).toEqual([{ kind: 'cycle', path: ['n', 'x', 'y', 'n'] }]);
    });
  });

  describe('a batch submitted together', () => {
    it('orders the batch so every task comes after the tasks it depends on', () => {
      const result = validateTaskBatch(known, [node('test', 'build'), node('deploy', 'test', 'c'), node('build', 'a'), node('docs')]);
      expect(result).toEqual({ ok: true, order: ['build', 'test', 'deploy', 'docs'] });
    });

    it('keeps submission order where dependencies allow', () => {
      expect(validateTaskBatch(known, [node('p'), node('q'), node('r', 'p')])).toEqual({ ok: true, order: ['p', 'q', 'r'] });
    });

    it('reports a cycle with its path', () => {
      const result = validateTaskBatch(known, [node('p', 'q'), node('q', 'r'), node('r', 'p'), node('s', 'a')]);
      expect(problemsOf(result)).toEqual([{ kind: 'cycle', path: ['p', 'q', 'r', 'p'] }]);
      expect(describeGraphProblem(problemsOf(result)[0])).toBe('dependency cycle: p → q → r → p');
    });

    it('reports a two-task cycle', () => {
      expect(problemsOf(validateTaskBatch(graph({}), [node('p', 'q'), node('q', 'p')]))).toEqual([{ kind: 'cycle', path: ['p', 'q', 'p'] }]);
    });

    it('reports a cycle that does not include the first task', () => {
      const result = validateTaskBatch(graph({}), [node('p', 'q'), node('q', 'r'), node('r', 'q')]);
      expect(problemsOf(result)).toEqual([{ kind: 'cycle', path: ['q', 'r', 'q'] }]);
    });

    it('reports an id submitted twice once, and ids unknown to both the batch and the graph', () => {
      const result = validateTaskBatch(known, [node('p'), node('p', 'a'), node('p'), node('q', 'p', 'zz')]);
      expect(problemsOf(result)).toEqual([
        { kind: 'duplicate_task', taskId: 'p' },
        { kind: 'unknown_dependency', taskId: 'q', dependencyId: 'zz' },
      ]);
    });

    it('reports every kind of problem together', () => {
      const result = validateTaskBatch(known, [node('a'), node('p', 'p'), node('q', 'r', 'r'), node('r', 'q', 'nope')]);
      expect(problemsOf(result).map(describeGraphProblem)).toEqual([
        'task "a" already exists or is submitted twice',
        'task "p" cannot depend on itself',
        'task "q" lists dependency "r" twice',
        'task "r" depends on unknown task "nope"',
        'dependency cycle: q → r → q',
      ]);
    });

    it('validates a 1,000-task DAG with 5,000 edges quickly and orders it', () => {
      const batch: NewTaskNode[] = [];
      // Submitted in reverse, so the order has to be worked out; each task depends on up to 5 earlier ones.
      for (let i = 999; i >= 0; i--) {
        const dependsOn = [1, 2, 3, 7, 31].filter((step) => i - step >= 0).map((step) => `t${i - step}`);
        batch.push(node(`t${i}`, ...dependsOn));
      }
      // CPU time of this process, not wall time: the machines running the tests are shared.
      const cpuBefore = process.cpuUsage();
      const result = validateTaskBatch(new Map(), batch);
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      expect(result.ok).toBe(true);
      const order = result.ok ? result.order : [];
      expect(order).toHaveLength(1000);
      const position = new Map(order.map((id, index) => [id, index]));
      const outOfOrder = batch.flatMap((task) =>
        task.dependsOn.filter((dependency) => (position.get(dependency) ?? Infinity) > (position.get(task.taskId) ?? -1)));
      expect(outOfOrder).toEqual([]);
      // Linear in tasks and edges takes a few ms; a quadratic walk of 1,000 x 5,000 would take far longer.
      expect(cpuMs).toBeLessThan(250);
    });

    it('finds the cycle in a 1,000-task chain closed at its end without overflowing the stack', () => {
      const batch = Array.from({ length: 1000 }, (_, i) => node(`t${i}`, `t${(i + 1) % 1000}`));
      const problems = problemsOf(validateTaskBatch(new Map(), batch));
      expect(problems).toHaveLength(1);
      const cycle = problems[0].kind === 'cycle' ? problems[0].path : [];
      expect(cycle).toHaveLength(1001);
      expect(cycle[0]).toBe('t0');
      expect(cycle[1000]).toBe('t0');
    });
  });

  describe('dependantsOf', () => {
    const edges = graph({ a: [], b: ['a'], c: ['b'], d: ['a', 'c'], e: [], f: ['e'] });

    it('lists direct then indirect dependants, each once', () => {
      expect(dependantsOf(edges, 'a')).toEqual(['b', 'd', 'c']);
    });

    it('lists nothing for a task nobody depends on', () => {
      expect(dependantsOf(edges, 'd')).toEqual([]);
      expect(dependantsOf(edges, 'unknown')).toEqual([]);
    });
  });

  describe('isReady', () => {
    it('is ready when every dependency completed', () => {
      expect(isReady({ dependsOn: ['a', 'b'] }, new Set(['a', 'b', 'z']))).toBe(true);
      expect(isReady({ dependsOn: [] }, new Set())).toBe(true);
    });

    it('is not ready while one has not', () => {
      expect(isReady({ dependsOn: ['a', 'b'] }, new Set(['a']))).toBe(false);
    });
  });
});
