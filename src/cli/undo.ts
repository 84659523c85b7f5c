// crm import undo: confirm, take the run back, say what happened.
import type { CliContext } from './context.js';

export async function undoImport(context: CliContext, runId: number, flags: { yes?: boolean; format: 'table' | 'json' }): Promise<void> {
  const { importRunSummary, undoImportRun } = await import('../db/undo.js');
  const { confirmOrRequireYes } = await import('./confirm.js');
  const sql = await context.openStore();
  const run = await importRunSummary(sql, runId);
  if (run && !run.undone_at) {
    await confirmOrRequireYes(context, flags.yes, `Undo import run ${runId} (${run.kind} from ${run.file_name}: ${run.rows_new} new, ${run.rows_changed} changed)?`);
  }
  const result = await undoImportRun(sql, runId, context.io.now().toISOString().replace(/\.\d{3}Z$/, 'Z'));
  // Points follow the orders: earning of removed orders went with them (ON DELETE CASCADE); orders given back their
  // earlier status or amount are brought up to date (README "Members and points").
  if (result.kind === 'orders') {
    const { syncLedger } = await import('./commands/points.js');
    await syncLedger(context, sql);
  }
  const list = (counts: Record<string, number | undefined>): string =>
    Object.entries(counts).map(([table, count]) => `${count} ${table}`).join(', ') || 'nothing';
  if (flags.format === 'json') {
    context.io.stdout.write(JSON.stringify({ run_id: result.runId, kind: result.kind, file: result.file, removed: result.removed, restored: result.restored }) + '\n');
  } else {
    context.say(`undid import run ${result.runId} (${result.kind} from ${result.file}): removed ${list(result.removed)}; restored ${list(result.restored)}\n`);
  }
}
