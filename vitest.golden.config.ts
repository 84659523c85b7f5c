// `npm run golden:update` only: reruns the golden tests and lets test/helpers/golden.ts rewrite
// test/golden/reports and test/golden/lists from their output (review the diff by hand before committing). `npm test` uses
// vitest.config.ts, which never provides updateGolden, so an ordinary run, CI or not, cannot write.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/e2e/report-golden.test.ts', 'test/e2e/stream-lists.test.ts'],
    provide: { updateGolden: true },
  },
});
