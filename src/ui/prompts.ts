// Interactive prompts (inquirer); only called when CliContext.interactive is true.
import type { Io } from '../cli/io.js';

function promptContext(io: Io): { input: NodeJS.ReadableStream; output: NodeJS.WritableStream } {
  return { input: io.stdin, output: io.stdout as unknown as NodeJS.WritableStream };
}

export async function askText(io: Io, message: string, options: { required?: boolean; default?: string; validate?: (value: string) => string | true } = {}): Promise<string> {
  const { input } = await import('@inquirer/prompts');
  return input(
    {
      message,
      default: options.default,
      required: options.required,
      validate: options.validate,
    },
    promptContext(io),
  );
}

export async function askChoice<T extends string>(io: Io, message: string, choices: { name: string; value: T; description?: string }[]): Promise<T> {
  const { select } = await import('@inquirer/prompts');
  return select<T>({ message, choices }, promptContext(io));
}

export async function askConfirm(io: Io, message: string, defaultValue = false): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message, default: defaultValue }, promptContext(io));
}

/** A password, not echoed. */
export async function askPassword(io: Io, message: string): Promise<string> {
  const { password } = await import('@inquirer/prompts');
  return password({ message, mask: '*' }, promptContext(io));
}
