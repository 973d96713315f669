import { evaluate, observedValue, parseCondition, typeOf, type ValueType } from './condition-expression';

const metrics: Record<string, ValueType> = { cpu_usage: 'number', agent_available: 'boolean', status: 'string', error_rate: 'number', tasks_failed: 'number' };
const run = (source: string, values: Record<string, number | boolean | string>) => {
  const tree = parseCondition(source);
  expect(typeOf(tree, metrics)).toBe('boolean');
  return evaluate(tree, values);
};

describe('alert condition language', () => {
  it('evaluates the Hive document conditions', () => {
    expect(run('cpu_usage > 85', { cpu_usage: 91 })).toBe(true);
    expect(run('cpu_usage > 85', { cpu_usage: 85 })).toBe(false);
    expect(run('agent_available == false', { agent_available: false })).toBe(true);
    expect(run('agent_available == false', { agent_available: true })).toBe(false);
  });

  it('respects precedence: arithmetic, comparison, not, and, or', () => {
    const values = { cpu_usage: 50, error_rate: 0.2, tasks_failed: 6, agent_available: true, status: 'online' };
    expect(run('cpu_usage * 2 - 10 >= 90 and not agent_available == false', values)).toBe(true);
    expect(run('error_rate > 0.1 && tasks_failed >= 5 || cpu_usage > 99', values)).toBe(true);
    expect(run('error_rate > 0.1 and (tasks_failed >= 10 or cpu_usage > 99)', values)).toBe(false);
    expect(run("status == 'online' and -cpu_usage < -40", values)).toBe(true);
    expect(run('!(cpu_usage > 10)', values)).toBe(false);
  });

  it('reports the left side of the first comparison as the observed value', () => {
    expect(observedValue(parseCondition('cpu_usage > 85'), { cpu_usage: 91.5 })).toBe(91.5);
    expect(observedValue(parseCondition('agent_available == false'), { agent_available: false })).toBe(0);
  });

  it.each([
    ['cpu_usage >', /unexpected end/],
    ['cpu_usage > 85 )', /unexpected "\)" at position 16/],
    ['(cpu_usage > 85', /expected "\)"/],
    ['cpu_usage $ 3', /unexpected character "\$" at position 11/],
    ['1 < cpu_usage < 3', /cannot be chained/],
    ["status == 'open", /unterminated string/],
  ])('rejects the syntax of %s', (source, message) => {
    expect(() => parseCondition(source)).toThrow(message);
  });

  it.each([
    ['gpu_temp > 80', /unknown metric "gpu_temp"/],
    ['agent_available > 1', /needs numbers/],
    ["status == 3", /compares a string with a number/],
    ['cpu_usage and agent_available', /needs booleans/],
  ])('rejects the types of %s', (source, message) => {
    expect(() => typeOf(parseCondition(source), metrics)).toThrow(message);
  });

  it('never executes code: identifiers are only metric names', () => {
    expect(() => typeOf(parseCondition('process'), metrics)).toThrow(/unknown metric "process"/);
    expect(() => parseCondition('constructor.constructor("x")()')).toThrow(/unexpected character "\."/);
  });
});
