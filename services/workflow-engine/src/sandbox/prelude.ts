/**
 * JavaScript run inside QuickJS before user code: the n8n helpers ($json,
 * $input, $('Node'), $node, $now, $today, $execution, $workflow, $vars, $env)
 * over data copied in as JSON. Nothing of the host is reachable from inside:
 * QuickJS has no process, require, module or network, and the prelude adds
 * none. Then every intrinsic is frozen so one evaluation cannot leave
 * anything behind for the next (the expression context is reused).
 */
export const prelude = String.raw`
(() => {
  'use strict';
  let d = { items: [], nodes: {}, execution: {}, workflow: {}, vars: {}, env: {}, nowMs: 0 };
  let i = 0;
  const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  const dateTime = (ms) => {
    const dt = new Date(ms);
    const self = {
      toISO: () => dt.toISOString(), toISOString: () => dt.toISOString(), toJSON: () => dt.toISOString(), toString: () => dt.toISOString(),
      toMillis: () => ms, valueOf: () => ms, toSeconds: () => Math.floor(ms / 1000),
      year: dt.getUTCFullYear(), month: dt.getUTCMonth() + 1, day: dt.getUTCDate(), hour: dt.getUTCHours(), minute: dt.getUTCMinutes(), second: dt.getUTCSeconds(),
      weekday: ((dt.getUTCDay() + 6) % 7) + 1,
      toFormat: (f) => String(f).replace('yyyy', String(dt.getUTCFullYear())).replace('MM', String(dt.getUTCMonth() + 1).padStart(2, '0')).replace('dd', String(dt.getUTCDate()).padStart(2, '0'))
        .replace('HH', String(dt.getUTCHours()).padStart(2, '0')).replace('mm', String(dt.getUTCMinutes()).padStart(2, '0')).replace('ss', String(dt.getUTCSeconds()).padStart(2, '0')),
      plus: (n, unit) => dateTime(ms + amount(n, unit)), minus: (n, unit) => dateTime(ms - amount(n, unit)),
    };
    return Object.freeze(self);
  };
  const units = { millisecond: 1, milliseconds: 1, second: 1e3, seconds: 1e3, minute: 6e4, minutes: 6e4, hour: 36e5, hours: 36e5, day: 864e5, days: 864e5, week: 6048e5, weeks: 6048e5 };
  const amount = (n, unit) => {
    if (typeof n === 'object' && n !== null) return Object.keys(n).reduce((sum, k) => sum + (units[k] || 0) * n[k], 0);
    return n * (units[unit || 'milliseconds'] || 1);
  };
  const nodeRef = (name) => {
    const n = d.nodes[name];
    if (!n) throw new Error('Referenced node "' + name + '" is unknown or has not run yet');
    const items = n.items;
    // The item the current input item derives from (pairedItem chain, computed by the host), else the same index.
    const current = () => (n.paired && n.paired[i]) || (items[i] !== undefined ? items[i] : items[0]);
    return Object.freeze({
      get item() { return current(); },
      first: () => items[0], last: () => items[items.length - 1], all: () => items,
      get json() { return (current() || { json: {} }).json; },
      get data() { return (current() || { json: {} }).json; },
      get parameter() { return n.params || {}; }, get params() { return n.params || {}; },
      isExecuted: true,
    });
  };
  const input = Object.freeze({
    get item() { return d.items[i]; },
    all: () => d.items, first: () => d.items[0], last: () => d.items[d.items.length - 1],
    params: Object.freeze({}),
  });
  const props = {
    $json: () => (d.items[i] || { json: {} }).json,
    $binary: () => (d.items[i] || {}).binary || {},
    $input: () => input,
    $itemIndex: () => i,
    $now: () => dateTime(d.nowMs),
    $today: () => dateTime(d.nowMs - (d.nowMs % 864e5)),
    $execution: () => d.execution,
    $workflow: () => d.workflow,
    $vars: () => d.vars,
    $env: () => d.env,
    $node: () => new Proxy({}, { get: (_, name) => nodeRef(String(name)) }),
  };
  for (const name of Object.keys(props)) Object.defineProperty(globalThis, name, { get: props[name], enumerable: false, configurable: false });
  Object.defineProperty(globalThis, '$', { value: nodeRef, enumerable: false, configurable: false, writable: false });
  Object.defineProperty(globalThis, '__hive', {
    value: Object.freeze({
      load: (raw) => { d = JSON.parse(raw); i = 0; },
      at: (index) => { i = index; },
      out: (v) => {
        if (v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function') {
          throw new Error('the result is a Promise: import() and asynchronous code are not available here');
        }
        return v === undefined ? '{"u":1}' : JSON.stringify({ v: v });
      },
      items: () => d.items,
      clone,
    }),
    enumerable: false, configurable: false, writable: false,
  });
  // Freeze the intrinsics: user code can neither leave state behind nor pollute a prototype.
  const seen = new Set();
  const harden = (o) => {
    if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) return;
    seen.add(o);
    Object.freeze(o);
    for (const key of Reflect.ownKeys(o)) {
      const desc = Object.getOwnPropertyDescriptor(o, key);
      if (desc && 'value' in desc) harden(desc.value);
    }
    harden(Object.getPrototypeOf(o));
  };
  for (const key of Reflect.ownKeys(globalThis)) {
    if (typeof key === 'string' && key.charAt(0) === '$') continue;
    const desc = Object.getOwnPropertyDescriptor(globalThis, key);
    if (desc && 'value' in desc) harden(desc.value);
  }
  Object.freeze(globalThis);
})();
`;
