// Confirmation for destructive commands: a question on a terminal, --yes in scripts (docs/storage.md#command-line).
import { CrmError, UsageError } from '../errors.js';
import type { CliContext } from './context.js';

/** Returns when the user agreed (or gave --yes); otherwise throws, so nothing is changed. */
export async function confirmOrRequireYes(context: CliContext, yes: boolean | undefined, question: string): Promise<void> {
  if (yes) return;
  if (!context.interactive) {
    throw new UsageError(`${question.replace(/\?$/, '')}: refusing without --yes when not run on a terminal; nothing was changed`);
  }
  const { askConfirm } = await import('../ui/prompts.js');
  if (!(await askConfirm(context.io, question, false))) throw new CrmError('cancelled; nothing was changed');
}
