/**
 * A strict InfluxDB line protocol parser for tests: VictoriaMetrics answers
 * 204 even to malformed lines, so every line written is checked here.
 * Returns the parsed line or throws naming the problem.
 */
export interface ParsedLine {
  readonly measurement: string;
  readonly tags: Record<string, string>;
  readonly fields: Record<string, number | string | boolean>;
  readonly timestamp: string | undefined;
}

export function parseLine(line: string): ParsedLine {
  if (line.length === 0 || line.includes('\n')) throw new Error('empty line or embedded newline');
  let i = 0;
  const readUntil = (stops: string, what: string): string => {
    let out = '';
    while (i < line.length && !stops.includes(line[i])) {
      if (line[i] === '\\' && i + 1 < line.length) { out += line[i + 1]; i += 2; continue; }
      out += line[i++];
    }
    if (out.length === 0) throw new Error(`empty ${what} at ${i} in: ${line}`);
    return out;
  };
  const measurement = readUntil(', ', 'measurement');
  if (measurement.startsWith('_')) throw new Error(`measurement may not start with _: ${line}`);
  const tags: Record<string, string> = {};
  while (line[i] === ',') {
    i++;
    const key = readUntil('=', 'tag key');
    if (line[i++] !== '=') throw new Error(`tag ${key} without "=": ${line}`);
    tags[key] = readUntil(', ', `value of tag ${key}`);
  }
  if (line[i++] !== ' ') throw new Error(`expected a space before the fields: ${line}`);
  const fields: Record<string, number | string | boolean> = {};
  for (;;) {
    const key = readUntil('=', 'field key');
    if (line[i++] !== '=') throw new Error(`field ${key} without "=": ${line}`);
    if (line[i] === '"') {
      i++;
      let s = '';
      while (i < line.length && line[i] !== '"') { if (line[i] === '\\') i++; s += line[i++]; }
      if (line[i++] !== '"') throw new Error(`unterminated string field ${key}: ${line}`);
      fields[key] = s;
    } else {
      const raw = /^[^, ]+/.exec(line.slice(i))?.[0] ?? '';
      i += raw.length;
      if (/^-?\d+i$/.test(raw) || /^\d+u$/.test(raw)) fields[key] = Number(raw.slice(0, -1));
      else if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw)) fields[key] = Number(raw);
      else if (/^(t|T|true|True|TRUE|f|F|false|False|FALSE)$/.test(raw)) fields[key] = /^t/i.test(raw);
      else throw new Error(`field ${key} has an invalid value "${raw}": ${line}`);
    }
    if (line[i] === ',') { i++; continue; }
    break;
  }
  let timestamp: string | undefined;
  if (i < line.length) {
    if (line[i++] !== ' ') throw new Error(`expected a space before the timestamp: ${line}`);
    timestamp = line.slice(i);
    if (!/^-?\d{1,19}$/.test(timestamp)) throw new Error(`invalid timestamp "${timestamp}": ${line}`);
  }
  return { measurement, tags, fields, timestamp };
}
