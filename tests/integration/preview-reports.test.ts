import { describe, expect, it } from 'vitest';
import type { CompatibilityState } from '../../src/preview/reports.js';
import {
  type BuildReports,
  BuildReportsRunner,
  contentKey,
  type ReportInput,
} from '../../src/preview/reports.js';
import type { SpamReport } from '../../src/preview/spamassassin.js';

const input = (html: string): ReportInput => ({
  html,
  contentKey: contentKey(html),
  message: async () => new TextEncoder().encode(`Subject: x\r\n\r\n${html}`),
});

/** A runner whose two checks are counted stand-ins; `published` is every report it announced. */
function runner(options: { spam?: (signal: AbortSignal) => Promise<SpamReport>; delayMs?: number } = {}) {
  const calls = { compatibility: [] as string[], spam: 0 };
  const published: BuildReports[] = [];
  const reports = new BuildReportsRunner({
    delayMs: options.delayMs ?? 20,
    onReport: (report) => published.push(report),
    checkCompatibility: async (html): Promise<CompatibilityState> => {
      calls.compatibility.push(html);
      return { status: 'unavailable', reason: `checked ${html}` };
    },
    scoreSpam: async (_message, signal) => {
      calls.spam += 1;
      return options.spam
        ? options.spam(signal)
        : { status: 'scored', score: 1, required: 5, rules: [], ms: 1 };
    },
  });
  return { reports, calls, published };
}

const settled = (reports: BuildReportsRunner) =>
  expect.poll(() => reports.current.spam?.status, { timeout: 2000, interval: 10 }).not.toBe('pending');

describe('the preview’s slow checks (compatibility, spam score)', () => {
  it('run once per build, after it, and requests only read the result', async () => {
    // Arrange
    const { reports, calls, published } = runner();
    // Act
    reports.schedule(1, input('<p>one</p>'));
    // Assert: nothing runs on the build's own path…
    expect(reports.current).toEqual({
      version: 1,
      compatibility: { status: 'pending' },
      spam: { status: 'pending' },
    });
    expect(calls).toEqual({ compatibility: [], spam: 0 });
    // …then each check runs once, however often the result is read.
    await settled(reports);
    for (let read = 0; read < 5; read++) expect(reports.current.version).toBe(1);
    expect(calls).toEqual({ compatibility: ['<p>one</p>'], spam: 1 });
    expect(published.at(-1)).toEqual({
      version: 1,
      compatibility: { status: 'unavailable', reason: 'checked <p>one</p>' },
      spam: { status: 'scored', score: 1, required: 5, rules: [], ms: 1 },
    });
    reports.stop();
  });

  it('skip a build replaced before its checks started (a burst of saves costs one run)', async () => {
    const { reports, calls } = runner({ delayMs: 50 });
    reports.schedule(1, input('<p>one</p>'));
    reports.schedule(2, input('<p>two</p>'));
    reports.schedule(3, input('<p>three</p>'));
    await settled(reports);
    expect(calls).toEqual({ compatibility: ['<p>three</p>'], spam: 1 });
    reports.stop();
  });

  it('stop a SpamAssassin run when a newer build arrives, and never show its stale score', async () => {
    const signals: AbortSignal[] = [];
    const { reports, published } = runner({
      spam: (signal) => {
        signals.push(signal);
        return signals.length === 1
          ? new Promise((resolve) =>
              signal.addEventListener('abort', () => resolve({ status: 'failed', message: 'stopped' })),
            )
          : Promise.resolve({ status: 'scored', score: 2, required: 5, rules: [], ms: 1 });
      },
    });
    reports.schedule(1, input('<p>one</p>'));
    await expect.poll(() => signals.length).toBe(1);
    reports.schedule(2, input('<p>two</p>'));
    expect(signals[0]?.aborted).toBe(true);
    await settled(reports);
    expect(reports.current).toMatchObject({ version: 2, spam: { status: 'scored', score: 2 } });
    expect(published.filter((report) => report.version === 1 && report.spam?.status === 'failed')).toEqual(
      [],
    );
    reports.stop();
  });

  it('answer at once for content already checked (the same week shown again)', async () => {
    const { reports, calls } = runner();
    reports.schedule(1, input('<p>one</p>'));
    await settled(reports);
    reports.schedule(2, input('<p>two</p>'));
    await settled(reports);
    reports.schedule(3, input('<p>one</p>'));
    expect(reports.current).toMatchObject({ version: 3, spam: { status: 'scored' } });
    expect(reports.current.compatibility?.status).toBe('unavailable');
    expect(calls).toEqual({ compatibility: ['<p>one</p>', '<p>two</p>'], spam: 2 });
    reports.stop();
  });

  it('try a failed spam score again with the next build (a timeout on a busy machine)', async () => {
    let runs = 0;
    const { reports } = runner({
      spam: async () =>
        ++runs === 1
          ? { status: 'failed', message: 'SpamAssassin did not answer within 20 s' }
          : { status: 'scored', score: 0.5, required: 5, rules: [], ms: 1 },
    });
    reports.schedule(1, input('<p>one</p>'));
    await settled(reports);
    expect(reports.current.spam?.status).toBe('failed');
    reports.schedule(2, input('<p>one</p>'));
    await settled(reports);
    expect(reports.current.spam).toMatchObject({ status: 'scored', score: 0.5 });
    reports.stop();
  });

  it('have nothing to check for a period without a digest', () => {
    const { reports, calls } = runner();
    reports.schedule(1, null);
    expect(reports.current).toEqual({ version: 1, compatibility: null, spam: null });
    expect(calls).toEqual({ compatibility: [], spam: 0 });
  });
});
