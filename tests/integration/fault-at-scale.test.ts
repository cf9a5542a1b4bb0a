import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliverySummary } from '../../src/core/delivery/deliver.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT } from '../helpers/cli.js';
import { type LocalSes, startLocalSes } from '../helpers/ses.js';

const RECIPIENTS = 10_000;
const CONCURRENCY = 16;
let ses: LocalSes;
beforeAll(async () => {
  ses = await startLocalSes();
});
afterAll(async () => {
  await ses?.close();
});

/** Runs the fault-injecting sender; kills it with SIGKILL once it has sent `killAfter` messages. */
function runSender(ledger: string, killAfter?: number): Promise<{ summary?: DeliverySummary; sent: number }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'tests', 'helpers', 'fault-sender.ts'),
      ledger,
      ses.endpoint,
      String(RECIPIENTS),
      String(CONCURRENCY),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve) => {
    let sent = 0;
    let summary: DeliverySummary | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('progress ')) {
        sent = Number(line.slice(9));
        if (killAfter !== undefined && sent >= killAfter) child.kill('SIGKILL');
      }
      if (line.startsWith('summary ')) summary = JSON.parse(line.slice(8));
    });
    child.on('exit', () => resolve({ sent, ...(summary ? { summary } : {}) }));
  });
}

describe('sending 10,000 recipients through faults and crashes', () => {
  it('ends with every recipient sent once, failed with a reason or unconfirmed (at most the in-flight ones), and no duplicates', async () => {
    const ledger = join(temporaryFolder('fault-ledger-'), 'ledger');
    // Three SIGKILLs at random points, each in a fresh process that picks up where the last stopped.
    for (const share of [0.1, 0.2, 0.2]) {
      const killAfter = Math.floor(RECIPIENTS * (share + Math.random() * 0.1));
      const { summary } = await runSender(ledger, killAfter);
      expect(summary).toBeUndefined();
    }
    const { summary } = await runSender(ledger);
    expect(summary).toBeDefined();
    if (!summary) return;

    const rejected = Array.from({ length: RECIPIENTS }, (_, index) => index).filter(
      (index) => index % 100 === 42,
    ).length;
    expect(summary.active).toBe(RECIPIENTS);
    expect(
      summary.sent + summary.alreadySent + summary.failed + summary.alreadyFailed + summary.unconfirmed,
    ).toBe(RECIPIENTS);
    expect(summary.unconfirmed).toBeLessThanOrEqual(3 * CONCURRENCY);
    expect(summary.failed + summary.alreadyFailed).toBeLessThanOrEqual(rejected);
    expect(summary.failed + summary.alreadyFailed).toBeGreaterThanOrEqual(rejected - summary.unconfirmed);

    const perRecipient = new Map<string, number>();
    for (const email of await ses.emails())
      for (const to of email.destination.to) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    expect([...perRecipient.values()].filter((count) => count > 1)).toEqual([]);
    for (const to of perRecipient.keys()) expect(Number(/reader(\d+)@/.exec(to)?.[1]) % 100).not.toBe(42);
    // Everyone the ledger calls sent got exactly one message; the unconfirmed may or may not have.
    expect(perRecipient.size).toBeGreaterThanOrEqual(summary.sent + summary.alreadySent);
    expect(perRecipient.size).toBeLessThanOrEqual(summary.sent + summary.alreadySent + summary.unconfirmed);
  }, 300_000);
});
