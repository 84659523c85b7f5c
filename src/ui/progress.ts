// A progress bar on stderr for long work; callers create it only when stderr is a terminal.
import type { OutputStream } from '../cli/io.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export async function startProgress(stream: OutputStream, label: string): Promise<Progress> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: `${label} [{bar}] {percentage}% | {value_mb}/{total_mb} MB | eta {eta}s`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(done, total) {
      if (stopped) return;
      const payload = { value_mb: (done / 1e6).toFixed(1), total_mb: (total / 1e6).toFixed(1) };
      if (!started) {
        bar.start(Math.max(total, 1), done, payload);
        started = true;
      } else {
        bar.update(done, payload);
      }
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (started) bar.stop();
    },
  };
}
