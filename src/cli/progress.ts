import type { DeliverySummary } from '../core/delivery/deliver.js';

/**
 * A one-line progress display for terminals, redrawn at most ten times a second. On anything
 * that is not a terminal (CI logs, pipes) it stays silent.
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr): {
  update: (summary: Readonly<DeliverySummary>) => void;
  done: () => void;
} {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  const started = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(summary) {
      const now = performance.now();
      if (now - last < 100) return;
      last = now;
      drawn = true;
      const seconds = (now - started) / 1000;
      const rate = seconds > 0 ? Math.round(summary.sent / seconds) : 0;
      stream.write(
        `\r\u001b[2K  ${summary.active.toLocaleString('en')} processed · ${summary.sent.toLocaleString('en')} sent · ${summary.failed} failed · ${summary.alreadySent.toLocaleString('en')} already sent · ${rate}/s`,
      );
    },
    done() {
      if (drawn) stream.write('\r\u001b[2K');
    },
  };
}
