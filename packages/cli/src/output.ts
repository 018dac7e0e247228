import type { Writable } from 'node:stream';

/** One table column: its header and how to render a row's cell. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/** Bold is the only styling; it is dropped when stdout is not a terminal, NO_COLOR is set or TERM=dumb. */
export function useColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}

/**
 * Text from the server (topics, message content, names) may contain control
 * characters; printing them raw would let a message move the cursor or
 * rewrite the terminal. Newlines and tabs become spaces, other controls `?`.
 */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\t\n\r]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return clean(String(value));
}

/**
 * Everything a command prints on stdout. With `--json` it writes exactly one
 * JSON document per command (or one line per event for `listen`), so scripts
 * can parse stdout whole; human-readable notes go to stderr.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: Writable & { isTTY?: boolean } = process.stdout,
    private readonly stderr: Writable = process.stderr,
    private readonly colour = useColour(stdout),
  ) {}

  /** A list: an aligned table, or a JSON array. */
  list<T>(rows: readonly T[], columns: readonly Column<T>[]): void {
    if (this.json) return this.writeJson(rows);
    const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
    const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
    const line = (values: string[]): string =>
      values
        .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd();
    const header = line(columns.map((c) => c.header));
    this.stdout.write(`${this.colour ? `\x1b[1m${header}\x1b[0m` : header}\n`);
    for (const row of cells) this.stdout.write(`${line(row)}\n`);
    if (rows.length === 0) this.stdout.write('(none)\n');
  }

  /** One object: aligned `label  value` lines, or the object as JSON. */
  record(
    value: unknown,
    fields: readonly [label: string, value: string | number | boolean | null | undefined][],
  ): void {
    if (this.json) return this.writeJson(value);
    const width = Math.max(...fields.map(([label]) => label.length));
    for (const [label, v] of fields) {
      const name = label.padEnd(width);
      this.stdout.write(`${this.colour ? `\x1b[1m${name}\x1b[0m` : name}  ${cell(v)}\n`);
    }
  }

  /** The outcome of an action with no body (delete, revoke): a sentence, or a JSON object. */
  done(sentence: string, value: Record<string, unknown>): void {
    if (this.json) return this.writeJson(value);
    this.stdout.write(`${clean(sentence)}\n`);
  }

  /** One line of a stream (listen): NDJSON with --json. */
  line(text: string, value: unknown): void {
    this.stdout.write(this.json ? `${JSON.stringify(value)}\n` : `${clean(text)}\n`);
  }

  /** A note for the human at the terminal, never on stdout. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  private writeJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}
