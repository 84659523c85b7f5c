// Writes rejected rows to a CSV beside the input: the original columns plus line and reason.
import fs from 'node:fs';

function cell(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export class RejectsWriter {
  private readonly stream: fs.WriteStream;

  constructor(
    readonly file: string,
    headers: string[],
  ) {
    // Rejected rows are customer data: readable by the owner only, like the database.
    this.stream = fs.createWriteStream(file, { encoding: 'utf8', mode: 0o600 });
    // A BOM so that Excel opens Chinese text correctly; crm import reads it back.
    this.stream.write(`\uFEFF${[...headers, 'line', 'reason'].map(cell).join(',')}\r\n`);
  }

  write(record: string[], line: number, reason: string): void {
    this.stream.write(`${[...record, String(line), reason].map(cell).join(',')}\r\n`);
  }

  async close(): Promise<string> {
    await new Promise<void>((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
    return this.file;
  }

  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    fs.rmSync(this.file, { force: true });
  }
}
