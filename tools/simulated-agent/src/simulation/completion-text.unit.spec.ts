import { completionPieces } from './completion-text';
import { countTokens } from './count-tokens';

describe('completionPieces', () => {
  it('gives the requested number of pieces, each one token, joining into text of that many tokens', () => {
    const pieces = completionPieces('deepseek-r1:7b', 'Why is the sky blue?', 40);
    expect(pieces).toHaveLength(40);
    expect(pieces.every((piece) => countTokens(piece) === 1)).toBe(true);
    expect(countTokens(pieces.join(''))).toBe(40);
    expect(pieces.join('')).toMatch(/^[A-Z].*\.$/);
  });

  it('is deterministic for a model and prompt, and differs with either', () => {
    const text = completionPieces('deepseek-r1:7b', 'prompt', 20).join('');
    expect(completionPieces('deepseek-r1:7b', 'prompt', 20).join('')).toBe(text);
    expect(completionPieces('deepseek-r1:7b', 'another prompt', 20).join('')).not.toBe(text);
    expect(completionPieces('starcoder2:15b', 'prompt', 20).join('')).not.toBe(text);
  });

  it('gives nothing for zero tokens', () => {
    expect(completionPieces('m', 'p', 0)).toEqual([]);
  });
});

describe('countTokens', () => {
  it('counts whitespace-separated words', () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('  ')).toBe(0);
    expect(countTokens(' one two\nthree\tfour ')).toBe(4);
  });
});
