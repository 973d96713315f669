import type { AgentStatus } from '@hive/contracts';
import { checkTenantAdmission, reserveForTask, unlimitedQuota, type TenantQuota, type TenantWaitReason } from './tenant-limits';

/**
 * Which ready task goes to which agent now: a pure function of the queue, the
 * agents and the tenants' quotas. The scheduler loop (one holder of a lease at
 * a time) calls it, sends one ScheduleAssignment per assignment, and keeps the
 * reasons of the waiting tasks where clients can read them.
 *
 * Order. Higher priority first, strictly. Within one priority, tenants take
 * turns by least service: the next task comes from the tenant with the fewest
 * tasks active (assigned or running, counting those assigned earlier in this
 * plan), ties going to the oldest head task; within a tenant, first in first
 * out. Least-active-first rather than plain round-robin because it accounts
 * for work already running: a tenant with 200 tasks in flight does not get
 * every other free slot against a tenant that just submitted 5; the newcomer
 * gets slots until it has as many in flight (max-min fairness on one
 * resource, the way DRF treats a single resource). A flood is also bounded
 * across priorities by the tenant's maxConcurrentTasks; priority itself stays
 * global, because it is what an operator uses to say "this first".
 *
 * A task that cannot be placed now (its tenant is at a limit, its capable
 * agents are full) is skipped, not a barrier: later tasks may use agents it
 * could not use, and it keeps its place for the next plan.
 *
 * Agents. A task may only go to an agent that is not offline, is visible to
 * its tenant (a tenant-registered agent serves that tenant alone; a shared
 * agent, ownerTenant null, serves everyone), serves the task's model if it
 * names one (the agent runtime sends that model name to the endpoint, which
 * would refuse a model it does not have), has every required capability at or
 * above its minProficiency, and has a free slot (active < maxConcurrent,
 * counting this plan's assignments). Degraded agents are used only when no
 * healthy (online or busy) candidate has a free slot. Among the rest the
 * highest score wins, ties to the smaller agent id:
 *
 *   score = 0.40 * proficiency     mean proficiency over the required capabilities (1 when none)
 *         + 0.35 * (1 - load)      load = active / maxConcurrent, after this plan's assignments
 *         + 0.20 * speed           0.5 * tps / (tps + 20)  +  0.5 * 5000 / (p50Ms + 5000); 0.5 each when unmeasured
 *         + 0.05 * dedicated       1 when the agent belongs to the task's tenant (keeps shared capacity for others)
 *
 * Capability match leads (a specialist does better work), free capacity comes
 * close behind (it spreads load and evens out queueing delay), speed breaks
 * the rest. Speed saturates around the reference values, so one very fast
 * agent does not attract everything before its load term pushes back.
 *
 * Cost. Agents are indexed by capability (sorted holder lists). The
 * candidates of each distinct set of required capability names (and model)
 * are found once per plan by merging those lists, and kept in max-heaps by
 * score on typed arrays: one for shared agents, one per owning tenant, so a
 * task only looks at agents it may use. Scores only fall during a plan (load
 * only rises), so the heaps re-score lazily and stay exact; a full agent
 * leaves for good; a task's minimums are checked at the top, so tasks that
 * differ only in minimums share the heaps, and a heap found empty for some
 * minimums is remembered as such. A wait reason is worked out only for a task
 * that waits. 10,000 tasks over 1,000 agents plan in about 10-50 ms once warm
 * (the spec prints the figures).
 */
export interface ReadyTask {
  readonly taskId: string;
  readonly tenant: string;
  readonly priority: number;
  /** Creation order across all tenants (e.g. the global position of task.created): FIFO within a priority. */
  readonly sequence: number;
  readonly requiredCapabilities: readonly { readonly name: string; readonly minProficiency?: number }[];
  /** A model the task must run on; any model of the agent when absent. */
  readonly model?: string;
  /** The attempt an assignment now would start (the task's latest attempt + 1), for ScheduleAssignment. */
  readonly attempt: number;
  /** Tokens reserved against the tenant's budget while the task runs (estimateTaskTokens). */
  readonly estimatedTokens: number;
}

export interface SchedulableAgent {
  readonly agentId: string;
  /** The tenant that registered the agent and alone may use it; null for a shared agent every tenant may use. */
  readonly ownerTenant: string | null;
  readonly status: AgentStatus;
  readonly capabilities: readonly { readonly name: string; readonly proficiency: number }[];
  /** Models the agent's endpoint serves (its configured model included). */
  readonly models: readonly string[];
  readonly maxConcurrent: number;
  /** Tasks assigned to it or running on it now. */
  readonly active: number;
  /** Measured generation speed; unknown when absent. */
  readonly tokensPerSecond?: number;
  /** Measured median response time; unknown when absent. */
  readonly p50ResponseTimeMs?: number;
}

export interface SchedulingInput {
  readonly tasks: readonly ReadyTask[];
  readonly agents: readonly SchedulableAgent[];
  /** A tenant without an entry has no limits. */
  readonly tenants: readonly TenantQuota[];
}

export interface Assignment {
  readonly taskId: string;
  readonly tenant: string;
  readonly agentId: string;
  readonly attempt: number;
  /** What to reserve against the tenant's token budget. */
  readonly estimatedTokens: number;
}

/**
 * Why a ready task was not assigned:
 * - `no_capable_agent`: no agent visible to the tenant has the capabilities (and model), in any status; it will wait until one is registered.
 * - `capable_agents_offline`: capable agents exist but all are offline.
 * - `agents_at_capacity`: capable agents are up, but every one is at its maxConcurrent.
 * - `tenant_concurrency_limit`, `token_budget_exhausted`: the tenant's quota (see tenant-limits).
 */
export type WaitReason = 'no_capable_agent' | 'capable_agents_offline' | 'agents_at_capacity' | TenantWaitReason;

export interface WaitingTask {
  readonly taskId: string;
  readonly reason: WaitReason;
}

export interface SchedulingPlan {
  readonly assignments: readonly Assignment[];
  readonly waiting: readonly WaitingTask[];
}

export const SCORE_WEIGHTS = { proficiency: 0.4, freeCapacity: 0.35, speed: 0.2, dedicated: 0.05 } as const;
const REFERENCE_TOKENS_PER_SECOND = 20;
const REFERENCE_P50_MS = 5_000;
/** Subtracted from a degraded agent's score: every score is within [0, 1], so any healthy candidate wins. */
const DEGRADED_PENALTY = 10;
const SHARED = -1;

export function planAssignments(input: SchedulingInput): SchedulingPlan {
  const fleet = createFleet(input.agents);
  const groups = new Map<string, CapabilityGroup>();
  const given = new Map(input.tenants.map((quota) => [quota.tenant, quota]));
  /** Each tenant's quota as this plan's assignments change it. */
  const quotas = new Map<string, TenantQuota>();
  const quotaOf = (tenant: string): TenantQuota => quotas.get(tenant) ?? given.get(tenant) ?? unlimitedQuota(tenant);

  const assignments: Assignment[] = [];
  const waiting: WaitingTask[] = [];

  const place = (task: ReadyTask): void => {
    const need = needOf(task);
    let group = groups.get(need.key);
    if (!group) {
      group = buildGroup(fleet, need, task.model);
      groups.set(need.key, group);
    }
    const tenant = fleet.tenantNumber(task.tenant);
    const quota = quotaOf(task.tenant);
    const overLimit = checkTenantAdmission(quota, task.estimatedTokens);
    if (!overLimit && fleet.freeSlots > 0) {
      const chosen = bestCandidate(fleet, group, tenant, need);
      if (chosen !== -1) {
        fleet.assign(chosen);
        quotas.set(task.tenant, reserveForTask(quota, task.estimatedTokens));
        assignments.push({
          taskId: task.taskId, tenant: task.tenant, agentId: fleet.agents[chosen].agentId, attempt: task.attempt, estimatedTokens: task.estimatedTokens,
        });
        return;
      }
    }
    // A reason that waiting will not clear comes first, then the tenant's limits, then capacity.
    const reason = reachability(fleet, group, tenant, need) ?? overLimit ?? 'agents_at_capacity';
    waiting.push({ taskId: task.taskId, reason });
  };

  const sorted = [...input.tasks].sort((a, b) => b.priority - a.priority || a.sequence - b.sequence);
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end < sorted.length && sorted[end].priority === sorted[start].priority) end += 1;
    takeTurns(sorted.slice(start, end), (tenant) => quotaOf(tenant).active, place);
    start = end;
  }
  return { assignments, waiting };
}

/**
 * Hands one priority level's tasks to `place`, tenant by tenant: always the
 * head of the tenant with the fewest active tasks, ties to the oldest head.
 */
function takeTurns(level: readonly ReadyTask[], activeOf: (tenant: string) => number, place: (task: ReadyTask) => void): void {
  const queues = new Map<string, ReadyTask[]>();
  for (const task of level) {
    const queue = queues.get(task.tenant);
    if (queue) queue.push(task);
    else queues.set(task.tenant, [task]);
  }
  if (queues.size === 1) {
    for (const task of level) place(task);
    return;
  }
  interface Turn { readonly queue: readonly ReadyTask[]; head: number; active: number }
  const before = (a: Turn, b: Turn): boolean =>
    a.active < b.active || (a.active === b.active && a.queue[a.head].sequence < b.queue[b.head].sequence);
  const heap = new Heap<Turn>(before);
  for (const queue of queues.values()) heap.push({ queue, head: 0, active: activeOf(queue[0].tenant) });
  for (let turn = heap.pop(); turn; turn = heap.pop()) {
    place(turn.queue[turn.head]);
    turn.head += 1;
    if (turn.head < turn.queue.length) {
      turn.active = activeOf(turn.queue[0].tenant);
      heap.push(turn);
    }
  }
}

// ---- the agents, as columns (mutable inside one plan only) ----

interface Fleet {
  readonly agents: readonly SchedulableAgent[];
  /** Per capability name, its holders in ascending agent order with their proficiencies. */
  readonly byCapability: ReadonlyMap<string, Holders>;
  readonly up: Uint8Array;
  /** The owning tenant's number, or SHARED. */
  readonly owner: Int32Array;
  readonly maxConcurrent: Int32Array;
  /** Active tasks, this plan's assignments included. */
  readonly active: Int32Array;
  /** Position in agent id order: the tie-break. */
  readonly rank: Int32Array;
  readonly speed: Float64Array;
  /** The score terms that do not depend on the task: free capacity, dedicated, degraded penalty. Updated on each assignment. */
  readonly dynamic: Float64Array;
  freeSlots: number;
  tenantNumber(tenant: string): number;
  assign(agent: number): void;
}

function createFleet(agents: readonly SchedulableAgent[]): Fleet {
  const count = agents.length;
  const tenantNumbers = new Map<string, number>();
  const tenantNumber = (tenant: string): number => {
    let number = tenantNumbers.get(tenant);
    if (number === undefined) {
      number = tenantNumbers.size;
      tenantNumbers.set(tenant, number);
    }
    return number;
  };
  const byCapability = new Map<string, Holders>();
  const fleet: Fleet = {
    agents,
    byCapability,
    up: new Uint8Array(count),
    owner: new Int32Array(count),
    maxConcurrent: new Int32Array(count),
    active: new Int32Array(count),
    rank: new Int32Array(count),
    speed: new Float64Array(count),
    dynamic: new Float64Array(count),
    freeSlots: 0,
    tenantNumber,
    assign: (agent) => {
      fleet.active[agent] += 1;
      fleet.freeSlots -= 1;
      fleet.dynamic[agent] = dynamicScore(fleet, agent);
    },
  };
  agents.forEach((agent, index) => {
    for (const capability of agent.capabilities) {
      const holders = byCapability.get(capability.name);
      if (!holders) byCapability.set(capability.name, { agents: [index], proficiency: [capability.proficiency] });
      else if (holders.agents[holders.agents.length - 1] !== index) {
        holders.agents.push(index);
        holders.proficiency.push(capability.proficiency);
      }
    }
    const tps = agent.tokensPerSecond;
    const p50 = agent.p50ResponseTimeMs;
    fleet.up[index] = agent.status === 'offline' ? 0 : 1;
    fleet.owner[index] = agent.ownerTenant === null ? SHARED : tenantNumber(agent.ownerTenant);
    fleet.maxConcurrent[index] = agent.maxConcurrent;
    fleet.active[index] = agent.active;
    fleet.speed[index] = 0.5 * (tps === undefined ? 0.5 : tps / (tps + REFERENCE_TOKENS_PER_SECOND))
      + 0.5 * (p50 === undefined ? 0.5 : REFERENCE_P50_MS / (p50 + REFERENCE_P50_MS));
    fleet.dynamic[index] = dynamicScore(fleet, index);
    if (fleet.up[index] === 1) fleet.freeSlots += Math.max(0, agent.maxConcurrent - agent.active);
  });
  [...agents.keys()]
    .sort((a, b) => (agents[a].agentId < agents[b].agentId ? -1 : agents[a].agentId > agents[b].agentId ? 1 : 0))
    .forEach((agent, position) => { fleet.rank[agent] = position; });
  return fleet;
}

interface Holders {
  readonly agents: number[];
  readonly proficiency: number[];
}

function dynamicScore(fleet: Fleet, agent: number): number {
  const max = fleet.maxConcurrent[agent];
  const free = max > 0 ? 1 - fleet.active[agent] / max : 0;
  return SCORE_WEIGHTS.freeCapacity * free
    + (fleet.owner[agent] === SHARED ? 0 : SCORE_WEIGHTS.dedicated)
    - (fleet.agents[agent].status === 'degraded' ? DEGRADED_PENALTY : 0);
}

// ---- what a task needs, and the agents that have it ----

interface Need {
  /** Model and sorted capability names: tasks with the same key share one candidate list. */
  readonly key: string;
  readonly names: readonly string[];
  /** Minimum proficiency per name, aligned with `names`. */
  readonly mins: readonly number[];
  readonly minsKey: string;
}

function needOf(task: ReadyTask): Need {
  const required = task.requiredCapabilities;
  const model = task.model ?? '';
  if (required.length === 1) {
    const { name, minProficiency = 0 } = required[0];
    return { key: `${model}\u0000${name}`, names: [name], mins: [minProficiency], minsKey: minProficiency > 0 ? `${minProficiency}` : '' };
  }
  if (required.length === 2) {
    const [first, second] = required[0].name <= required[1].name ? [required[0], required[1]] : [required[1], required[0]];
    const mins = [first.minProficiency ?? 0, second.minProficiency ?? 0];
    return {
      key: `${model}\u0000${first.name}\u0000${second.name}`, names: [first.name, second.name], mins,
      minsKey: mins[0] > 0 || mins[1] > 0 ? `${mins[0]},${mins[1]}` : '',
    };
  }
  const sorted = required.length === 0 ? required : [...required].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = sorted.map((capability) => capability.name);
  const mins = sorted.map((capability) => capability.minProficiency ?? 0);
  return { key: `${model}\u0000${names.join('\u0000')}`, names, mins, minsKey: mins.some((min) => min > 0) ? mins.join(',') : '' };
}

interface CapabilityGroup {
  readonly width: number;
  /** Agents with every capability name (and the model), in any status, with their proficiencies (width per agent). */
  readonly capable: Int32Array;
  readonly capableProficiency: Float64Array;
  /** Per candidate position (the capable agents that were up with a free slot): agent, proficiencies (width each), and stored score. */
  readonly candidates: Candidates;
  /** Shared candidates, best first. */
  readonly shared: CandidateHeap;
  /** Each owning tenant's own candidates, best first: a task only looks at the shared heap and its tenant's. */
  readonly owned: ReadonlyMap<number, CandidateHeap>;
  /** Per minimums key, reachability per tenant, once worked out. */
  readonly reasons: Map<string, Map<number, WaitReason | null>>;
}

interface Candidates {
  readonly agents: Int32Array;
  readonly proficiency: Float64Array;
  /** Proficiency and speed terms of the score. */
  readonly base: Float64Array;
  /** The score when last looked at; never below the current one, since scores only fall during a plan. */
  readonly stored: Float64Array;
}

/**
 * The agents holding every capability name (ascending), with their
 * proficiencies in one flat column per name: the holder lists are sorted, so
 * this is a merge of integer lists, walked from the rarest capability.
 */
function holdersOfAll(fleet: Fleet, names: readonly string[]): { agents: number[]; proficiency: number[] } {
  const width = names.length;
  if (width === 0) return { agents: [...fleet.agents.keys()], proficiency: [] };
  const lists: Holders[] = [];
  for (const name of names) {
    const holders = fleet.byCapability.get(name);
    if (!holders) return { agents: [], proficiency: [] };
    lists.push(holders);
  }
  let rarest = 0;
  for (let k = 1; k < width; k++) if (lists[k].agents.length < lists[rarest].agents.length) rarest = k;
  const cursor = new Array<number>(width).fill(0);
  const agents: number[] = [];
  const proficiency: number[] = [];
  const row = new Array<number>(width);
  candidates: for (let i = 0; i < lists[rarest].agents.length; i++) {
    const agent = lists[rarest].agents[i];
    for (let k = 0; k < width; k++) {
      const list = lists[k].agents;
      let at = k === rarest ? i : cursor[k];
      while (at < list.length && list[at] < agent) at += 1;
      cursor[k] = at;
      if (list[at] !== agent) continue candidates;
      row[k] = lists[k].proficiency[at];
    }
    agents.push(agent);
    for (let k = 0; k < width; k++) proficiency.push(row[k]);
  }
  return { agents, proficiency };
}

function buildGroup(fleet: Fleet, need: Need, model: string | undefined): CapabilityGroup {
  const width = need.names.length;
  const holders = holdersOfAll(fleet, need.names);
  const capable: number[] = [];
  const capableProficiency: number[] = [];
  const agents: number[] = [];
  const proficiency: number[] = [];
  for (let index = 0; index < holders.agents.length; index++) {
    const agent = holders.agents[index];
    if (model !== undefined && !fleet.agents[agent].models.includes(model)) continue;
    const isCandidate = fleet.up[agent] === 1 && fleet.active[agent] < fleet.maxConcurrent[agent];
    capable.push(agent);
    if (isCandidate) agents.push(agent);
    for (let j = index * width; j < (index + 1) * width; j++) {
      capableProficiency.push(holders.proficiency[j]);
      if (isCandidate) proficiency.push(holders.proficiency[j]);
    }
  }
  const base = new Float64Array(agents.length);
  const stored = new Float64Array(agents.length);
  const sharedPositions: number[] = [];
  const ownedPositions = new Map<number, number[]>();
  for (let position = 0; position < agents.length; position++) {
    const agent = agents[position];
    let sum = 0;
    for (let j = 0; j < width; j++) sum += proficiency[position * width + j];
    base[position] = SCORE_WEIGHTS.proficiency * (width === 0 ? 1 : sum / width) + SCORE_WEIGHTS.speed * fleet.speed[agent];
    stored[position] = base[position] + fleet.dynamic[agent];
    const owner = fleet.owner[agent];
    if (owner === SHARED) sharedPositions.push(position);
    else ownedPositions.set(owner, [...(ownedPositions.get(owner) ?? []), position]);
  }
  const candidates: Candidates = { agents: Int32Array.from(agents), proficiency: Float64Array.from(proficiency), base, stored };
  return {
    width,
    capable: Int32Array.from(capable),
    capableProficiency: Float64Array.from(capableProficiency),
    candidates,
    shared: new CandidateHeap(sharedPositions, candidates, fleet.rank),
    owned: new Map([...ownedPositions].map(([owner, positions]) => [owner, new CandidateHeap(positions, candidates, fleet.rank)])),
    reasons: new Map(),
  };
}

function meetsMinimums(proficiencies: Float64Array, offset: number, mins: readonly number[]): boolean {
  for (let j = 0; j < mins.length; j++) if (proficiencies[offset + j] < mins[j]) return false;
  return true;
}

/** The best candidate with a free slot the tenant may use whose proficiencies meet the minimums, or -1. */
function bestCandidate(fleet: Fleet, group: CapabilityGroup, tenant: number, need: Need): number {
  const shared = bestIn(group.shared, fleet, group, need);
  const ownHeap = group.owned.get(tenant);
  const own = ownHeap ? bestIn(ownHeap, fleet, group, need) : -1;
  const { stored, agents } = group.candidates;
  if (own === -1) return shared === -1 ? -1 : agents[shared];
  if (shared === -1) return agents[own];
  const ownWins = stored[own] > stored[shared] || (stored[own] === stored[shared] && fleet.rank[agents[own]] < fleet.rank[agents[shared]]);
  return agents[ownWins ? own : shared];
}

/**
 * The position of the best usable candidate in one heap, left on top, or -1.
 * Exact with lazy re-scoring: a stored score can only be above the agent's
 * current one (it filled up since), so a top whose stored score is current is
 * the best of all; a stale top is re-scored and sinks; a full agent leaves the
 * heap for good. Candidates below the task's minimums are set aside and put
 * back; if none is left for these minimums, none will be later in the plan.
 */
function bestIn(heap: CandidateHeap, fleet: Fleet, group: CapabilityGroup, need: Need): number {
  if (heap.size === 0 || heap.exhausted.has(need.minsKey)) return -1;
  const { agents, base, proficiency, stored } = group.candidates;
  const { active, maxConcurrent, dynamic } = fleet;
  const checkMins = need.minsKey !== '';
  let setAside: number[] | undefined;
  let chosen = -1;
  while (heap.size > 0) {
    const position = heap.top();
    const agent = agents[position];
    if (active[agent] >= maxConcurrent[agent]) {
      heap.pop();
      continue;
    }
    const score = base[position] + dynamic[agent];
    if (score !== stored[position]) {
      stored[position] = score;
      heap.sinkTop();
      continue;
    }
    if (checkMins && !meetsMinimums(proficiency, position * group.width, need.mins)) {
      (setAside ??= []).push(heap.pop());
      continue;
    }
    chosen = position;
    break;
  }
  if (setAside) for (const position of setAside) heap.push(position);
  if (chosen === -1) heap.exhausted.add(need.minsKey);
  return chosen;
}

/**
 * A max-heap of candidate positions by stored score, ties to the smaller agent
 * rank, on typed arrays (a plan may touch it hundreds of thousands of times).
 */
class CandidateHeap {
  private readonly order: Int32Array;
  size: number;
  /** Minimums keys for which no candidate in this heap is left. */
  readonly exhausted = new Set<string>();

  constructor(positions: readonly number[], private readonly candidates: Candidates, private readonly rank: Int32Array) {
    this.order = Int32Array.from(positions);
    this.size = positions.length;
    for (let index = (this.size >> 1) - 1; index >= 0; index--) this.sink(index);
  }

  top(): number {
    return this.order[0];
  }

  pop(): number {
    const top = this.order[0];
    this.size -= 1;
    this.order[0] = this.order[this.size];
    this.sink(0);
    return top;
  }

  push(position: number): void {
    const order = this.order;
    let index = this.size;
    this.size += 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.better(position, order[parent])) break;
      order[index] = order[parent];
      index = parent;
    }
    order[index] = position;
  }

  /** The top's stored score fell: let it sink to its place. */
  sinkTop(): void {
    this.sink(0);
  }

  private better(a: number, b: number): boolean {
    const { stored, agents } = this.candidates;
    return stored[a] > stored[b] || (stored[a] === stored[b] && this.rank[agents[a]] < this.rank[agents[b]]);
  }

  private sink(start: number): void {
    const order = this.order;
    const position = order[start];
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.better(order[right], order[left]) ? right : left;
      if (!this.better(order[child], position)) break;
      order[index] = order[child];
      index = child;
    }
    order[index] = position;
  }
}

/** Why no up agent could ever take such a task for this tenant, or null when one could (once it has a free slot). */
function reachability(fleet: Fleet, group: CapabilityGroup, tenant: number, need: Need): WaitReason | null {
  let known = group.reasons.get(need.minsKey);
  if (!known) {
    known = new Map();
    group.reasons.set(need.minsKey, known);
  }
  const cached = known.get(tenant);
  if (cached !== undefined) return cached;
  let reason: WaitReason | null = 'no_capable_agent';
  for (let index = 0; index < group.capable.length && reason !== null; index++) {
    const agent = group.capable[index];
    const agentOwner = fleet.owner[agent];
    if ((agentOwner !== SHARED && agentOwner !== tenant) || !meetsMinimums(group.capableProficiency, index * group.width, need.mins)) continue;
    reason = fleet.up[agent] === 1 ? null : 'capable_agents_offline';
  }
  known.set(tenant, reason);
  return reason;
}

/** A binary heap: the item that comes `before` all others on top. */
class Heap<T> {
  private readonly items: T[] = [];

  constructor(private readonly before: (a: T, b: T) => boolean) {}

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    for (let index = items.length - 1; index > 0; ) {
      const parent = (index - 1) >> 1;
      if (!this.before(items[index], items[parent])) break;
      [items[index], items[parent]] = [items[parent], items[index]];
      index = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      for (let index = 0; ; ) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < items.length && this.before(items[left], items[smallest])) smallest = left;
        if (right < items.length && this.before(items[right], items[smallest])) smallest = right;
        if (smallest === index) break;
        [items[index], items[smallest]] = [items[smallest], items[index]];
        index = smallest;
      }
    }
    return top;
  }
}
