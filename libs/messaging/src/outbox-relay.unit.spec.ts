import { idRanges } from './outbox-relay';

describe('idRanges: what a relay checkpoint records of its batch', () => {
  it('merges consecutive ids and keeps the gaps of rows that were not in the batch', () => {
    expect(idRanges(['12', '10', '11', '15', '17', '16'])).toEqual([['10', '12'], ['15', '17']]);
  });

  it('handles one id, duplicates and ids beyond 2^53', () => {
    expect(idRanges(['7'])).toEqual([['7', '7']]);
    expect(idRanges(['7', '7', '8'])).toEqual([['7', '8']]);
    expect(idRanges(['9007199254740993', '9007199254740992'])).toEqual([['9007199254740992', '9007199254740993']]);
  });
});
