// A report whose rows are a stream (Report.stream), with its rows gathered: what it prints, as a value to compare.
import type { Report, Row } from '../../src/report/types.js';

export async function collected(report: Report): Promise<Report> {
  if (!report.stream) return report;
  const rows: Row[] = [];
  for await (const batch of report.stream.batches()) rows.push(...batch);
  return { ...report, rows, stream: undefined };
}
