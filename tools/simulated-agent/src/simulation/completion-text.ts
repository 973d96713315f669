const VOCABULARY = [
  'the', 'agent', 'reviews', 'function', 'returns', 'a', 'value', 'when', 'input', 'is', 'valid', 'otherwise',
  'error', 'handler', 'retries', 'request', 'with', 'backoff', 'stream', 'tokens', 'model', 'reasoning', 'step',
  'first', 'then', 'check', 'edge', 'cases', 'null', 'pointer', 'loop', 'index', 'array', 'boundary', 'test',
  'passes', 'refactor', 'module', 'interface', 'type', 'safe', 'async', 'await', 'promise', 'resolves', 'queue',
  'task', 'priority', 'schedule', 'worker', 'cache', 'hit', 'miss', 'latency', 'throughput', 'commit', 'event',
];

/**
 * The deterministic answer to a prompt: `tokenCount` words chosen by a PRNG
 * seeded from the model and the prompt, so the same request always yields the
 * same text. Returned as stream pieces: the first word bare, every later one
 * with its leading space, so joining the pieces gives the text and
 * `countTokens(text) === pieces.length`.
 */
export function completionPieces(model: string, prompt: string, tokenCount: number): string[] {
  const next = mulberry32(fnv1a(`${model}\n${prompt}`));
  const pieces: string[] = [];
  let sentenceStart = true;
  for (let i = 0; i < tokenCount; i++) {
    let word = VOCABULARY[Math.floor(next() * VOCABULARY.length)];
    if (sentenceStart) word = word[0].toUpperCase() + word.slice(1);
    const endsSentence = i === tokenCount - 1 || next() < 0.12;
    if (endsSentence) word += '.';
    pieces.push(i === 0 ? word : ` ${word}`);
    sentenceStart = endsSentence;
  }
  return pieces;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
