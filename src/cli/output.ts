/** Plain-text tables and a progress bar for people; `--json` output bypasses all of this. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (!rows.length) return '(none)';
  const cells = rows.map((r) => columns.map((c) => fmt(r[c])));
  const widths = columns.map((c, j) => Math.max(c.length, ...cells.map((row) => row[j].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, j) => v.padEnd(widths[j]))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

export function fmt(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function metricsLine(metrics: Record<string, unknown> | null | undefined): string {
  if (!metrics) return '-';
  return Object.entries(metrics)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k}=${fmt(v)}`)
    .join(' ');
}

/**
 * A one-line progress bar on stderr: redrawn in place on a terminal, elsewhere a line per 10%
 * and every change of the label at 100% (so the last line says how it ended).
 */
export class ProgressBar {
  private lastDecile = -1;
  private lastText = '';
  private readonly tty = !!process.stderr.isTTY;

  update(fraction: number, label: string): void {
    const f = Math.max(0, Math.min(1, fraction));
    const width = 30;
    const filled = Math.round(f * width);
    const text = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${label}`;
    if (this.tty) process.stderr.write(`\r${text}\x1b[K`);
    else {
      const d = Math.floor(f * 10);
      if (d !== this.lastDecile || (d === 10 && text !== this.lastText)) {
        this.lastDecile = d;
        this.lastText = text;
        process.stderr.write(text + '\n');
      }
    }
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}
