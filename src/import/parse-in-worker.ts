// The importing thread's side of parse-worker.ts: feeds it bytes, yields its parse events, acknowledges batches.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CrmError, type ExitCodeValue } from '../errors.js';
import type { ParseEvent, ParseOptions } from './parse.js';

/** The compiled worker script (tests run the TypeScript sources, so fall back to dist/). */
function workerScript(): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new URL('./parse-worker.js', import.meta.url);
  const built = path.resolve(path.dirname(here), '../../dist/import/parse-worker.js');
  if (!fs.existsSync(built)) throw new Error('dist/import/parse-worker.js is missing: run `npm run build` first');
  return new URL(`file://${built}`);
}

type WorkerMessage = ParseEvent | { type: 'error'; message: string; exitCode: ExitCodeValue; details: string[]; stack?: string };

export async function* parseInWorker(input: NodeJS.ReadableStream, options: ParseOptions): AsyncGenerator<ParseEvent> {
  // A small young generation keeps the worker's memory flat: it allocates short-lived strings only.
  const worker = new Worker(workerScript(), { workerData: options, stdin: true, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 } });
  const queue: WorkerMessage[] = [];
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: WorkerMessage) => {
    queue.push(message);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', () => {
    // A worker that stops without 'end' or 'error' (killed, out of memory) must not leave us waiting.
    failure ??= new Error('the CSV parser stopped unexpectedly');
    notify();
  });
  // Feed the bytes with backpressure: the worker's stdin pauses the source when the parser is behind.
  input.pipe(worker.stdin!);
  input.on('error', (error: Error) => {
    failure = error;
    notify();
  });
  try {
    for (;;) {
      if (!queue.length) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const message = queue.shift()!;
      if (message.type === 'error') {
        const error = new CrmError(message.message, message.exitCode, message.details);
        if (message.stack && message.exitCode === 1) error.stack = message.stack;
        throw error;
      }
      yield message;
      if (message.type === 'batch') worker.postMessage({ type: 'ack' });
      if (message.type === 'end') return;
    }
  } finally {
    input.unpipe(worker.stdin!);
    await worker.terminate();
  }
}
