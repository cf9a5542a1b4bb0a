import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveIssue, type LocalArchiveOutcome } from '../adapters/archive-fs.js';
import { writeFileAtomic } from '../adapters/fs-output.js';
import { wentOut } from '../core/delivery/archive.js';
import { type DeliverySummary, deliverIssue, type Issue } from '../core/delivery/deliver.js';
import { issueFromFiles } from '../core/delivery/issue.js';
import type { Outbox } from '../core/delivery/outbox.js';
import { TokenBucket } from '../core/delivery/rate.js';
import { DigestError } from '../core/errors.js';
import { messageContext, type Settings } from '../settings/settings.js';
import {
  FILE_CONCURRENCY,
  openLedger,
  openOutbox,
  openSubscriberStore,
  SES_CONCURRENCY,
} from '../settings/stores.js';
import { assertSendable } from '../workflows/local-approval.js';
import { sendTestMessage } from '../workflows/test-message.js';
import { progressLine } from './progress.js';

export interface SendRun {
  report: string;
  summary?: DeliverySummary;
  /** True when the run stopped before every active subscriber was tried. */
  incomplete: boolean;
  /** Why an issue that went out is not in the archive: one line, with what to do. */
  archiveFailure?: string;
}

/** What the send did with the archive. */
type ArchiveStep =
  | LocalArchiveOutcome
  | { status: 'dry-run' | 'nothing-went-out' }
  | { status: 'failed'; reason: string };

/** Loads the built issue, opens the stores, and sends (or test-sends, or counts). */
export async function runSend(settings: Settings, signal?: AbortSignal): Promise<SendRun> {
  const issue = await loadIssue(settings);
  // A draft, or a held build, is refused before anything opens; a test or a dry run still works,
  // and a dry run says what the real send would say.
  let approvalNote: string | undefined;
  if (settings.dryRun) approvalNote = await approvalRefusal(settings.digest);
  else if (!settings.test) await assertSendable(settings.digest);
  if (settings.test) {
    const { report } = await sendTestMessage(settings, issue, settings.test);
    return { report, incomplete: false };
  }
  const { outbox, label: outboxLabel } = await openOutbox(settings);
  const usesSes = settings.outbox === 'ses';
  const { identity, unsubscribeSecret } = messageContext(settings);
  try {
    const { rate, rateNote } = await sendRate(settings, outbox, usesSes);
    // Local files are limited by disk syncs, not by a provider: more in flight shares each sync.
    const concurrency = settings.concurrency ?? (usesSes ? SES_CONCURRENCY : FILE_CONCURRENCY);
    const bucket = rate ? new TokenBucket(rate) : undefined;
    const invalidRows: string[] = [];
    const store = await openSubscriberStore(settings, (row) =>
      invalidRows.push(`line ${row.line}: ${row.reason}`),
    );
    const { ledger, label: ledgerLabel } = await openLedger(settings);
    const progress = progressLine();
    const startedAt = new Date();
    let summary: DeliverySummary;
    try {
      summary = await deliverIssue(issue, store.all(), {
        identity,
        unsubscribeSecret,
        ledger,
        outbox,
        rateLimit: bucket ? (signal) => bucket.take(signal) : async () => {},
        concurrency,
        resendUnconfirmed: settings.resendUnconfirmed,
        retryFailed: settings.retryFailed,
        dryRun: settings.dryRun,
        ...(signal ? { signal } : {}),
        onProgress: progress.update,
      });
    } finally {
      progress.done();
      await ledger.close();
      await store.close();
    }
    const archive = await archiveAfterSend(settings, summary, startedAt);
    // A dry run never replaces the summary of the real send.
    const summaryPath =
      settings.summary ??
      join(settings.digest, settings.dryRun ? 'send-summary.dry-run.json' : 'send-summary.json');
    await writeFileAtomic(
      summaryPath,
      `${JSON.stringify(
        {
          ...summary,
          outbox: outboxLabel,
          ledger: ledgerLabel,
          subscribers: settings.subscribers,
          rate: rate ?? null,
          rateNote: rateNote ?? null,
          concurrency,
          invalidSubscriberRows: invalidRows,
          archive: { folder: settings.archive, ...archive },
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
        },
        null,
        2,
      )}\n`,
    );
    const report = formatSendReport(summary, {
      outboxLabel,
      rate,
      rateNote,
      invalidRows,
      summaryPath,
      developmentSecret: !settings.unsubscribeSecret,
      archive,
      archiveFolder: settings.archive,
      approvalNote,
    });
    return {
      report,
      summary,
      incomplete: summary.stoppedBy !== undefined,
      ...(archive.status === 'failed'
        ? {
            archiveFailure: `${summary.issueId} went out but is not in the archive (${archive.reason}): fix that and run digest send again, which sends nobody twice`,
          }
        : {}),
    };
  } finally {
    await outbox.close?.();
  }
}

/**
 * Adds the issue to the public archive once it has gone out: after a real send through which at
 * least one message went out (in this run, or in an earlier one to this destination whose
 * archiving failed). `publishedAt` is when this send started. An issue already archived is left
 * as it is. A failure does not undo the send: it is reported, and the next run archives.
 */
async function archiveAfterSend(
  settings: Settings,
  summary: DeliverySummary,
  startedAt: Date,
): Promise<ArchiveStep> {
  if (summary.dryRun) return { status: 'dry-run' };
  if (!wentOut(summary)) return { status: 'nothing-went-out' };
  try {
    return await archiveIssue(settings.archive, settings.digest, summary.issueId, startedAt);
  } catch (error) {
    return { status: 'failed', reason: (error as Error).message };
  }
}

/**
 * Messages per second: --rate, else the SES account's maximum, else (SES did not say) one a
 * second — and then the report says why, so a slow send is never a mystery.
 */
async function sendRate(
  settings: Settings,
  outbox: Outbox,
  usesSes: boolean,
): Promise<{ rate: number | undefined; rateNote?: string }> {
  if (settings.rate) return { rate: settings.rate };
  if (!usesSes || !outbox.maxSendRate) return { rate: undefined };
  const quota = await outbox.maxSendRate();
  if ('rate' in quota) return { rate: quota.rate };
  return {
    rate: FALLBACK_SES_RATE,
    rateNote: `SES did not give its maximum send rate (${quota.reason}): sending at ${FALLBACK_SES_RATE}/s; set --rate to choose`,
  };
}

const FALLBACK_SES_RATE = 1;

async function loadIssue(settings: Settings): Promise<Issue> {
  const folder = settings.digest;
  const read = async (name: string) => {
    try {
      return await readFile(join(folder, name), 'utf8');
    } catch {
      throw new DigestError(
        `no built digest in ${folder} (${name} is missing): run "digest build --out ${folder}" first`,
      );
    }
  };
  const manifest = await read('digest.json');
  const files = { manifest, html: await read('message.html'), text: await read('message.txt') };
  const link = (issueId: string) => settings.archiveUrl.replaceAll('{issueId}', encodeURIComponent(issueId));
  return issueFromFiles(files, link, folder);
}

interface ReportContext {
  outboxLabel: string;
  rate: number | undefined;
  rateNote: string | undefined;
  invalidRows: string[];
  summaryPath: string;
  developmentSecret: boolean;
  archive: ArchiveStep;
  archiveFolder: string;
  /** Why a real send would refuse this build (a dry run of a draft or a held build). */
  approvalNote: string | undefined;
}

/** The line a real send would refuse this build with, or undefined when it may go. */
async function approvalRefusal(folder: string): Promise<string | undefined> {
  try {
    await assertSendable(folder);
    return undefined;
  } catch (error) {
    if (error instanceof DigestError) return error.message;
    throw error;
  }
}

function formatSendReport(summary: DeliverySummary, context: ReportContext): string {
  const lines: string[] = [];
  const number = (value: number) => value.toLocaleString('en');
  // Pending sign-ups are not suppressed: they are mailed once they confirm.
  const { pending, unsubscribed, bounced, complained, forgotten } = summary.suppressed;
  const suppressed = unsubscribed + bounced + complained + forgotten;
  const handled = summary.active - summary.notAttempted;
  if (summary.stoppedBy) {
    lines.push(
      `Stopped early: ${summary.issueId} through ${context.outboxLabel}: ${number(handled)} of ${number(summary.active)} active subscribers handled, ${number(summary.notAttempted)} not attempted.`,
      `  ${summary.stoppedBy}`,
    );
  } else if (summary.dryRun) {
    lines.push(`Dry run for ${summary.issueId} through ${context.outboxLabel}: nothing was sent.`);
    if (context.approvalNote) lines.push(`  a real send refuses it: ${context.approvalNote}`);
  } else if (
    summary.sent === 0 &&
    summary.active > 0 &&
    summary.alreadySent + summary.alreadyFailed === summary.active
  ) {
    lines.push(
      `Nothing to send: all ${number(summary.active)} active subscribers already have a delivery record for ${summary.issueId} at this destination.`,
    );
  } else {
    lines.push(
      `Sent ${summary.issueId} through ${context.outboxLabel}${context.rate ? ` at up to ${context.rate}/s` : ''}.`,
    );
  }
  lines.push(`  destination          ${summary.destination}`);
  if (context.rateNote) lines.push(`  rate                 ${context.rateNote}`);
  lines.push(`  active subscribers   ${number(summary.active)}`);
  if (summary.dryRun) lines.push(`  would send           ${number(summary.wouldSend)}`);
  else {
    const extras = [
      summary.resent ? `${number(summary.resent)} unconfirmed sent again` : '',
      summary.retried ? `${number(summary.retried)} failed tried again` : '',
    ].filter(Boolean);
    lines.push(
      `  sent                 ${number(summary.sent)}${extras.length ? ` (${extras.join(', ')})` : ''}`,
    );
    lines.push(`  failed               ${number(summary.failed)}`);
  }
  for (const [reason, count] of Object.entries(summary.failedByReason))
    lines.push(`    ${number(count)} × ${reason}`);
  lines.push(
    `  already sent         ${number(summary.alreadySent)}${summary.confirmed ? ` (${number(summary.confirmed)} confirmed in the outbox)` : ''}`,
  );
  if (summary.alreadyFailed) lines.push(`  failed earlier       ${number(summary.alreadyFailed)}`);
  lines.push(`  unconfirmed          ${number(summary.unconfirmed)}`);
  if (summary.notAttempted) lines.push(`  not attempted        ${number(summary.notAttempted)}`);
  lines.push(
    `  suppressed           ${number(suppressed)} (${number(unsubscribed)} unsubscribed, ${number(bounced)} bounced, ${number(complained)} complained, ${number(forgotten)} forgotten)`,
    `  pending sign-ups     ${number(pending)} (not confirmed yet, so not mailed)`,
  );
  lines.push(`  archive              ${archiveLine(context.archive, context.archiveFolder)}`);
  if (summary.unconfirmed > 0) {
    const earlier = summary.unconfirmed - summary.answerLost;
    lines.push('');
    if (summary.answerLost > 0)
      lines.push(
        `${number(summary.answerLost)} message(s) went out and SES's answer was lost: SES may have them, so they were not sent again.`,
      );
    if (earlier > 0)
      lines.push(`${number(earlier)} recipient(s) were claimed by an earlier run that stopped mid-send.`);
    lines.push(
      'They may or may not have the issue. Check SES (sending statistics, or the message ids in the ledger), then run again with --resend-unconfirmed to send to them.',
    );
  }
  if (summary.alreadyFailed > 0 && !summary.dryRun)
    lines.push(
      '',
      `${number(summary.alreadyFailed)} recipient(s) failed in an earlier run: run again with --retry-failed to try them again.`,
    );
  if (context.invalidRows.length > 0) {
    lines.push('', `${context.invalidRows.length} row(s) of the subscriber list were not usable:`);
    for (const row of context.invalidRows.slice(0, 10)) lines.push(`  - ${row}`);
    if (context.invalidRows.length > 10)
      lines.push(`  … and ${context.invalidRows.length - 10} more (see the summary file)`);
  }
  if (summary.notAttempted > 0 && summary.stoppedBy)
    lines.push(
      '',
      `Run \`digest send\` again to send to the ${number(summary.notAttempted)} not attempted: they have no delivery record.`,
    );
  if (context.developmentSecret) {
    lines.push(
      '',
      'Unsubscribe links are signed with a development secret: set DIGEST_UNSUBSCRIBE_SECRET before sending real mail.',
    );
  }
  lines.push('', `Summary: ${context.summaryPath}`);
  return lines.join('\n');
}

function archiveLine(step: ArchiveStep, folder: string): string {
  switch (step.status) {
    case 'archived':
      return `${step.issue.issueId} added to ${folder} (published ${step.issue.publishedAt})`;
    case 'already-archived':
      return `${step.issue.issueId} already in ${folder} (published ${step.issue.publishedAt}), unchanged`;
    case 'dry-run':
      return `unchanged in a dry run (the first real send adds the issue to ${folder})`;
    case 'nothing-went-out':
      return `unchanged: no message went out (the first send that delivers one adds the issue to ${folder})`;
    case 'failed':
      return `not archived: ${step.reason}`;
  }
}
