// Process entry point: the only place that touches process.argv and process.exitCode.
import { run } from './main.js';
import { processIo } from './io.js';

// `crm … | head` closes stdout early: stop quietly instead of crashing with EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2), processIo());
