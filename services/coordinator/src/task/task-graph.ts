/**
 * The dependency DAG across tasks, as pure functions over plain data. Used at
 * creation (a single CreateTask, or a whole graph of tasks submitted together,
 * as the MCP "coordinate development" tool does) and when a task ends badly
 * (whom to cascade to).
 *
 * Edges point from a task to the tasks it depends on: `edges.get(id)` is
 * `id`'s dependsOn. Everything is iterative (no recursion), so a chain of any
 * length cannot overflow the stack, and linear in the nodes and edges visited.
 */
export type DependencyEdges = ReadonlyMap<string, readonly string[]>;

export interface NewTaskNode {
  readonly taskId: string;
  readonly dependsOn: readonly string[];
}

export type GraphProblem =
  | { readonly kind: 'duplicate_task'; readonly taskId: string }
  | { readonly kind: 'self_dependency'; readonly taskId: string }
  | { readonly kind: 'duplicate_dependency'; readonly taskId: string; readonly dependencyId: string }
  | { readonly kind: 'unknown_dependency'; readonly taskId: string; readonly dependencyId: string }
  /** `path` starts and ends with the same id: a → b → c → a. */
  | { readonly kind: 'cycle'; readonly path: readonly string[] };

export type GraphValidation =
  | { readonly ok: true; /** The new tasks, every one after the new tasks it depends on. */ readonly order: readonly string[] }
  | { readonly ok: false; readonly problems: readonly GraphProblem[] };

/** Validates one new task against the known graph. */
export function validateNewTask(edges: DependencyEdges, task: NewTaskNode): GraphValidation {
  return validateTaskBatch(edges, [task]);
}

/**
 * Validates tasks submitted together, whose dependencies may name each other
 * or known tasks, and returns the order to create them in (dependencies
 * first; otherwise in submission order). Every problem is reported, except
 * that only the first cycle found is (its path is what the message needs).
 */
export function validateTaskBatch(edges: DependencyEdges, batch: readonly NewTaskNode[]): GraphValidation {
  const problems: GraphProblem[] = [];
  const nodes = new Map<string, NewTaskNode>();
  const reportedDuplicates = new Set<string>();
  for (const task of batch) {
    if (edges.has(task.taskId) || nodes.has(task.taskId)) {
      if (!reportedDuplicates.has(task.taskId)) problems.push({ kind: 'duplicate_task', taskId: task.taskId });
      reportedDuplicates.add(task.taskId);
      continue;
    }
    nodes.set(task.taskId, task);
  }
  for (const task of nodes.values()) {
    const seen = new Set<string>();
    for (const dependencyId of task.dependsOn) {
      if (dependencyId === task.taskId) {
        problems.push({ kind: 'self_dependency', taskId: task.taskId });
      } else if (seen.has(dependencyId)) {
        problems.push({ kind: 'duplicate_dependency', taskId: task.taskId, dependencyId });
      } else if (!nodes.has(dependencyId) && !edges.has(dependencyId)) {
        problems.push({ kind: 'unknown_dependency', taskId: task.taskId, dependencyId });
      }
      seen.add(dependencyId);
    }
  }
  const { order, cycle } = topologicalOrder(edges, nodes);
  if (cycle) problems.push({ kind: 'cycle', path: cycle });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, order };
}

const ON_PATH = 1;
const DONE = 2;

/**
 * Depth-first over the new tasks and whatever they reach: post-order gives
 * dependencies before dependants; meeting a task that is still on the path
 * closes a cycle. Known tasks are walked too, so a known task that (wrongly)
 * names a new id cannot hide a cycle; in the coordinator's graph no known task
 * can, because unknown dependencies are refused, so this costs one visit of
 * the new tasks' ancestors at most.
 */
function topologicalOrder(edges: DependencyEdges, nodes: ReadonlyMap<string, NewTaskNode>): { order: string[]; cycle?: string[] } {
  const dependenciesOf = (id: string): readonly string[] => nodes.get(id)?.dependsOn ?? edges.get(id) ?? [];
  const mark = new Map<string, number>();
  const order: string[] = [];
  const path: string[] = [];
  const positionOnPath = new Map<string, number>();
  const nextDependency: number[] = [];

  for (const root of nodes.keys()) {
    if (mark.has(root)) continue;
    mark.set(root, ON_PATH);
    positionOnPath.set(root, 0);
    path.push(root);
    nextDependency.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const id = path[top];
      const dependencies = dependenciesOf(id);
      const index = nextDependency[top];
      if (index < dependencies.length) {
        nextDependency[top] = index + 1;
        const dependencyId = dependencies[index];
        if (dependencyId === id) continue; // a self-dependency is reported on its own
        const state = mark.get(dependencyId);
        if (state === ON_PATH) return { order, cycle: [...path.slice(positionOnPath.get(dependencyId)), dependencyId] };
        if (state === DONE || (!nodes.has(dependencyId) && !edges.has(dependencyId))) continue;
        mark.set(dependencyId, ON_PATH);
        positionOnPath.set(dependencyId, path.length);
        path.push(dependencyId);
        nextDependency.push(0);
      } else {
        mark.set(id, DONE);
        positionOnPath.delete(id);
        path.pop();
        nextDependency.pop();
        if (nodes.has(id)) order.push(id);
      }
    }
  }
  return { order };
}

/**
 * Every task that depends on `taskId`, directly or through others, nearest
 * first (direct dependants, then theirs, ...). The tasks a failure or a
 * cancellation cascades to.
 */
export function dependantsOf(edges: DependencyEdges, taskId: string): string[] {
  const dependants = new Map<string, string[]>();
  for (const [id, dependsOn] of edges) {
    for (const dependencyId of dependsOn) {
      const list = dependants.get(dependencyId);
      if (list) list.push(id);
      else dependants.set(dependencyId, [id]);
    }
  }
  const found: string[] = [];
  const seen = new Set<string>([taskId]);
  for (let index = -1; index < found.length; index++) {
    const current = index < 0 ? taskId : found[index];
    for (const dependant of dependants.get(current) ?? []) {
      if (seen.has(dependant)) continue;
      seen.add(dependant);
      found.push(dependant);
    }
  }
  return found;
}

/** Whether every dependency of a task has completed. */
export function isReady(task: { readonly dependsOn: readonly string[] }, completed: ReadonlySet<string>): boolean {
  return task.dependsOn.every((id) => completed.has(id));
}

/** A problem in words, for a rejection's reason and details. */
export function describeGraphProblem(problem: GraphProblem): string {
  switch (problem.kind) {
    case 'duplicate_task':
      return `task "${problem.taskId}" already exists or is submitted twice`;
    case 'self_dependency':
      return `task "${problem.taskId}" cannot depend on itself`;
    case 'duplicate_dependency':
      return `task "${problem.taskId}" lists dependency "${problem.dependencyId}" twice`;
    case 'unknown_dependency':
      return `task "${problem.taskId}" depends on unknown task "${problem.dependencyId}"`;
    case 'cycle':
      return `dependency cycle: ${problem.path.join(' → ')}`;
    default: {
      const exhaustive: never = problem;
      return exhaustive;
    }
  }
}
