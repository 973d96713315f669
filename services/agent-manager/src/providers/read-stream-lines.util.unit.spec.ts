import { readSseData } from './read-sse-data.util';
import { readStreamLines } from './read-stream-lines.util';

function streamOf(chunks: readonly (string | Uint8Array)[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  const encoder = new TextEncoder();
  let cancelled = false;
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index >= chunks.length) return controller.close();
      const chunk = chunks[index++];
      controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('readStreamLines', () => {
  it('joins lines split across chunks and splits chunks holding several lines', async () => {
    const { stream } = streamOf(['{"a":', '1}\n{"b":2}\n{"c"', ':3}\r\n', '\n', 'tail']);
    expect(await collect(readStreamLines(stream))).toEqual(['{"a":1}', '{"b":2}', '{"c":3}', '', 'tail']);
  });

  it('keeps a multi-byte character split across chunks whole', async () => {
    const bytes = new TextEncoder().encode('naïve ☕\n');
    const { stream } = streamOf([bytes.slice(0, 3), bytes.slice(3, 8), bytes.slice(8)]);
    expect(await collect(readStreamLines(stream))).toEqual(['naïve ☕']);
  });

  it('cancels the stream when the reader stops early', async () => {
    const { stream, cancelled } = streamOf(['one\n', 'two\n', 'three\n']);
    for await (const line of readStreamLines(stream)) if (line === 'one') break;
    expect(cancelled()).toBe(true);
  });
});

describe('readSseData', () => {
  it('yields each event\'s data, joining multi-line data and skipping comments and other fields', async () => {
    const { stream } = streamOf([': keep-alive\n\n', 'event: message\ndata: {"x":', '1}\n\n', 'data: first\ndata: second\nid: 7\n\n', 'data: [DONE]\n\n']);
    expect(await collect(readSseData(readStreamLines(stream)))).toEqual(['{"x":1}', 'first\nsecond', '[DONE]']);
  });

  it('yields a last event that the stream ended without a blank line', async () => {
    const { stream } = streamOf(['data:no-space\n\ndata: last']);
    expect(await collect(readSseData(readStreamLines(stream)))).toEqual(['no-space', 'last']);
  });
});
