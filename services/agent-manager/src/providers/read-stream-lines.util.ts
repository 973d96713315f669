/**
 * The lines of a byte stream as they arrive, decoded as UTF-8 (a character
 * split across chunks is kept whole), without their `\n` or `\r\n`; a last
 * line without a line break is yielded too. Stopping early cancels the stream.
 */
export async function* readStreamLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        yield buffered.slice(0, newline).replace(/\r$/, '');
        buffered = buffered.slice(newline + 1);
      }
    }
    buffered += decoder.decode();
    finished = true;
    if (buffered !== '') yield buffered.replace(/\r$/, '');
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
