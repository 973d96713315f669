/** One progress line per execution, redrawn in place on a terminal and printed on change otherwise. */
export interface ProgressRow {
  readonly id: string;
  percent: number;
  status: string;
  node: string;
  done: number;
  total: number;
}

const WIDTH = 24;

export function renderRow(row: ProgressRow): string {
  const filled = Math.round((Math.max(0, Math.min(100, row.percent)) / 100) * WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}`;
  const nodes = row.total > 0 ? ` ${row.done}/${row.total} nodes` : '';
  return `${row.id.slice(0, 12).padEnd(12)} [${bar}] ${String(Math.round(row.percent)).padStart(3)}% ${row.status.padEnd(9)}${nodes}${row.node ? ` ${row.node}` : ''}`;
}

export class ProgressBoard {
  private drawn = 0;
  private readonly last = new Map<string, string>();

  constructor(private readonly out: NodeJS.WriteStream, private readonly tty: boolean) {}

  draw(rows: readonly ProgressRow[]): void {
    if (this.tty) {
      if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A`);
      for (const row of rows) this.out.write(`\x1b[2K${renderRow(row)}\n`);
      this.drawn = rows.length;
      return;
    }
    for (const row of rows) {
      const line = renderRow(row);
      if (this.last.get(row.id) !== line) this.out.write(`${line}\n`);
      this.last.set(row.id, line);
    }
  }
}
