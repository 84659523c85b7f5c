// Worker thread: parses and validates a large CSV fed through its stdin, posting batches to the importing thread.
import { parentPort, workerData } from 'node:worker_threads';
import { CrmError } from '../errors.js';
import { parseCsv, type ParseOptions } from './parse.js';

/** Batches posted but not yet written by the main thread; more waits (memory stays flat). */
const MAX_IN_FLIGHT = 4;

const port = parentPort!;
let inFlight = 0;
let wake: (() => void) | null = null;
port.on('message', (message: { type: string }) => {
  if (message.type === 'ack') {
    inFlight -= 1;
    wake?.();
    wake = null;
  }
});

async function main(): Promise<void> {
  try {
    for await (const event of parseCsv(process.stdin, { ...(workerData as ParseOptions), batchSize: 2000 })) {
      while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
      if (event.type === 'batch') inFlight += 1;
      port.postMessage(event);
    }
  } catch (error) {
    const known = error instanceof CrmError;
    port.postMessage({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      exitCode: known ? error.exitCode : 1,
      details: known ? error.details : [],
      stack: error instanceof Error ? error.stack : undefined,
    });
  }
  port.close();
}

void main();
