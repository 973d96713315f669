import { parseLine } from '../../test/line-protocol.validator';
import { eventTimestampNs, toLineProtocol } from './line-protocol';

describe('line protocol', () => {
  it('escapes tag values and keeps numeric fields, with a nanosecond timestamp', () => {
    const line = toLineProtocol({
      measurement: 'hive_task', tags: { tenant: 'acme corp,eu', agent: 'a=b', empty: '' },
      fields: { count: 1, response_time_ms: 1234.5, nan: NaN, inf: Infinity }, timestampNs: '1751803200000123456',
    });
    const parsed = parseLine(line ?? '');
    expect(parsed).toEqual({ measurement: 'hive_task', tags: { tenant: 'acme corp,eu', agent: 'a=b' }, fields: { count: 1, response_time_ms: 1234.5 }, timestamp: '1751803200000123456' });
  });

  it('writes nothing for a point without finite fields', () => {
    expect(toLineProtocol({ measurement: 'm', tags: {}, fields: { x: NaN }, timestampNs: '1' })).toBeUndefined();
  });

  it('gives an event a stable, distinct nanosecond time within its millisecond', () => {
    const a = eventTimestampNs('2025-07-06T12:00:00.123Z', '2f1c7d0e-0000-4000-8000-000000000001');
    const b = eventTimestampNs('2025-07-06T12:00:00.123Z', '2f1c7d0e-0000-4000-8000-000000000002');
    expect(a).toBe(eventTimestampNs('2025-07-06T12:00:00.123Z', '2f1c7d0e-0000-4000-8000-000000000001'));
    expect(a).not.toBe(b);
    expect(BigInt(a) / 1_000_000n).toBe(BigInt(Date.parse('2025-07-06T12:00:00.123Z')));
  });

  it('the validator rejects malformed lines', () => {
    expect(() => parseLine('m,tag= f=1')).toThrow(/empty value of tag/);
    expect(() => parseLine('m f=abc')).toThrow(/invalid value/);
    expect(() => parseLine('m f=1 12x')).toThrow(/invalid timestamp/);
    expect(() => parseLine('m')).toThrow(/expected a space/);
  });
});
