/**
 * The `data` of each server-sent event in a stream of lines: `data:` lines
 * of one event joined with `\n`, dispatched at the blank line that ends it
 * (or at the end of the stream). Comments (`:`) and other fields (`event:`,
 * `id:`, `retry:`) are skipped.
 */
export async function* readSseData(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let data: string[] = [];
  for await (const line of lines) {
    if (line === '') {
      if (data.length > 0) yield data.join('\n');
      data = [];
    } else if (line.startsWith('data:')) {
      const value = line.slice('data:'.length);
      data.push(value.startsWith(' ') ? value.slice(1) : value);
    }
  }
  if (data.length > 0) yield data.join('\n');
}
