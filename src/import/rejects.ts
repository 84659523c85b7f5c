// Writes rejected rows to a CSV beside the input: the original columns plus line and reason.
import fs from 'node:fs';

/**
 * A CSV cell. Text a spreadsheet would run as a formula gets Excel's text prefix ', as crm export does:
 * people open this file in Excel to fix the rows, and crm import takes one such ' off again.
 */
function cell(raw: string): string {
  const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export class RejectsWriter {
  private readonly stream: fs.WriteStream;
  private failure: Error | null = null;

  constructor(
    readonly file: string,
    headers: string[],
  ) {
    // Rejected rows are customer data: readable by the owner only, like the database.
    this.stream = fs.createWriteStream(file, { encoding: 'utf8', mode: 0o600 });
    this.stream.on('error', (error) => (this.failure ??= error));
    // A BOM so that Excel opens Chinese text correctly; crm import reads it back.
    this.stream.write(`\uFEFF${[...headers, 'line', 'reason'].map(cell).join(',')}\r\n`);
  }

  write(record: string[], line: number, reason: string): void {
    if (this.failure) throw this.failure;
    this.stream.write(`${[...record, String(line), reason].map(cell).join(',')}\r\n`);
  }

  /** Flushes the file; throws if any write failed (the caller then keeps nothing of the import). */
  async close(): Promise<string> {
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    if (this.failure) throw this.failure;
    return this.file;
  }

  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    fs.rmSync(this.file, { force: true });
  }
}
