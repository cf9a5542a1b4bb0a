import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../adapters/fs-output.js';
import { maskAddress, normalizeAddress } from '../core/address.js';
import { type DeliverySummary, deliverIssue, type Issue } from '../core/deliver.js';
import { DigestError, UsageError } from '../core/errors.js';
import { createMessageFactory, issueFromFiles } from '../core/message-template.js';
import { TokenBucket } from '../core/rate.js';
import { progressLine } from './progress.js';
import { messageContext, type Settings } from './settings.js';
import { openLedger, openOutbox, openSubscriberStore } from './stores.js';

export function describeSend(program: Command): Command {
  return program
    .command('send')
    .summary('send a built digest to every active subscriber, exactly once')
    .description(
      'Sends the digest built in --digest to every active subscriber through the file outbox or SES. ' +
        'A ledger records every recipient, so a re-run sends only to who has not had it.',
    )
    .option('--digest <dir>', 'the folder `digest build` wrote (default: out)')
    .option('--subscribers <file|dynamodb://table>', 'the subscriber list (default: subscribers.csv)')
    .option('--outbox <file:dir|ses>', 'where messages go (default: file:<digest>/outbox)')
    .option('--ledger <dir|dynamodb://table>', 'the delivery ledger (default: <digest>/ledger)')
    .option('--rate <n>', 'messages per second (default: the SES account maximum; unlimited for files)')
    .option('--concurrency <n>', 'messages in flight at once (default: 16 for SES, 64 for files)')
    .option('--dry-run', 'count who would get the issue, send nothing')
    .option('--test <address>', 'send one test message to this address; the ledger is left alone')
    .option('--resend-unconfirmed', 'send again to recipients whose earlier send was cut off')
    .option('--configuration-set <name>', 'SES configuration set for bounce and complaint events')
    .option('--ses-endpoint <url>', 'a local SES endpoint (or set AWS_ENDPOINT_URL_SES)')
    .option('--dynamodb-endpoint <url>', 'a local DynamoDB endpoint (or set AWS_ENDPOINT_URL_DYNAMODB)')
    .option('--summary <file>', 'where to write the JSON summary (default: <digest>/send-summary.json)');
}

export interface SendRun {
  report: string;
  summary?: DeliverySummary;
  /** True when the run stopped before every active subscriber was tried. */
  incomplete: boolean;
}

/** Loads the built issue, opens the stores, and sends (or test-sends, or counts). */
export async function runSend(settings: Settings, signal?: AbortSignal): Promise<SendRun> {
  const issue = await loadIssue(settings);
  if (settings.test) {
    const { report } = await sendTestMessage(settings, issue, settings.test);
    return { report, incomplete: false };
  }
  const { outbox, label: outboxLabel } = await openOutbox(settings);
  const usesSes = outboxLabel === 'SES';
  const { identity, unsubscribeSecret } = messageContext(settings);
  try {
    const rate = settings.rate ?? (await outbox.maxSendRate?.()) ?? (usesSes ? 1 : undefined);
    // Local files are limited by disk syncs, not by a provider: more in flight shares each sync.
    const concurrency = settings.concurrency ?? (usesSes ? 16 : 64);
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
        rateLimit: bucket ? () => bucket.take() : async () => {},
        concurrency,
        resendUnconfirmed: settings.resendUnconfirmed,
        dryRun: settings.dryRun,
        ...(signal ? { signal } : {}),
        onProgress: progress.update,
      });
    } finally {
      progress.done();
      await ledger.close();
      await store.close();
    }
    const summaryPath = settings.summary ?? join(settings.digest, 'send-summary.json');
    await writeFileAtomic(
      summaryPath,
      `${JSON.stringify(
        {
          ...summary,
          outbox: outboxLabel,
          ledger: ledgerLabel,
          subscribers: settings.subscribers,
          rate: rate ?? null,
          concurrency,
          invalidSubscriberRows: invalidRows,
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
      invalidRows,
      summaryPath,
      developmentSecret: !settings.unsubscribeSecret,
    });
    return { report, summary, incomplete: summary.stoppedBy !== undefined };
  } finally {
    await outbox.close?.();
  }
}

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

/**
 * Sends one `[Test]` copy of the issue to an address through the configured outbox; the ledger
 * is not touched. Used by `digest send --test` and by the preview's "Send test" button.
 */
export async function sendTestMessage(
  settings: Settings,
  issue: Issue,
  address: string,
): Promise<{ report: string; messageId: string }> {
  const normalized = normalizeAddress(address);
  if (!normalized.ok) throw new UsageError(`test address: ${normalized.reason}`);
  const { outbox, label } = await openOutbox(settings);
  try {
    const makeMessage = await createMessageFactory(
      { ...issue, subject: `[Test] ${issue.subject}` },
      messageContext(settings),
    );
    const { messageId } = await outbox.send(await makeMessage(normalized.email));
    return {
      messageId,
      report: `Test message for ${issue.issueId} sent to ${maskAddress(normalized.email)} through ${label} (message id ${messageId}). The ledger was not touched.`,
    };
  } catch (error) {
    throw new DigestError(
      `test message to ${maskAddress(normalized.email)} failed: ${(error as Error).message}`,
      { cause: error },
    );
  } finally {
    await outbox.close?.();
  }
}

function formatSendReport(
  summary: DeliverySummary,
  context: {
    outboxLabel: string;
    rate: number | undefined;
    invalidRows: string[];
    summaryPath: string;
    developmentSecret: boolean;
  },
): string {
  const lines: string[] = [];
  const number = (value: number) => value.toLocaleString('en');
  const suppressed =
    summary.suppressed.unsubscribed + summary.suppressed.bounced + summary.suppressed.complained;
  if (summary.dryRun) {
    lines.push(`Dry run for ${summary.issueId} through ${context.outboxLabel}: nothing was sent.`);
  } else if (
    summary.sent === 0 &&
    summary.active > 0 &&
    summary.alreadySent + summary.alreadyFailed === summary.active
  ) {
    lines.push(
      `Nothing to send: all ${number(summary.active)} active subscribers already have a delivery record for ${summary.issueId}.`,
    );
  } else {
    lines.push(
      `Sent ${summary.issueId} through ${context.outboxLabel}${context.rate ? ` at up to ${context.rate}/s` : ''}.`,
    );
  }
  lines.push(`  active subscribers   ${number(summary.active)}`);
  if (summary.dryRun) lines.push(`  would send           ${number(summary.wouldSend)}`);
  else {
    lines.push(
      `  sent                 ${number(summary.sent)}${summary.resent ? ` (${number(summary.resent)} unconfirmed sent again)` : ''}`,
    );
    lines.push(`  failed               ${number(summary.failed)}`);
  }
  for (const [reason, count] of Object.entries(summary.failedByReason))
    lines.push(`    ${number(count)} × ${reason}`);
  lines.push(`  already sent         ${number(summary.alreadySent)}`);
  if (summary.alreadyFailed) lines.push(`  failed earlier       ${number(summary.alreadyFailed)}`);
  lines.push(`  unconfirmed          ${number(summary.unconfirmed)}`);
  if (summary.notAttempted) lines.push(`  not attempted        ${number(summary.notAttempted)}`);
  lines.push(
    `  suppressed           ${number(suppressed)} (${summary.suppressed.unsubscribed} unsubscribed, ${summary.suppressed.bounced} bounced, ${summary.suppressed.complained} complained)`,
  );
  if (summary.unconfirmed > 0) {
    lines.push(
      '',
      `${number(summary.unconfirmed)} recipient(s) were claimed by an earlier run that stopped mid-send: they may or may not have the issue.`,
      'Check the provider (SES message ids in the ledger), then run again with --resend-unconfirmed to send to them.',
    );
  }
  if (context.invalidRows.length > 0) {
    lines.push('', `${context.invalidRows.length} row(s) of the subscriber list were not usable:`);
    for (const row of context.invalidRows.slice(0, 10)) lines.push(`  - ${row}`);
    if (context.invalidRows.length > 10)
      lines.push(`  … and ${context.invalidRows.length - 10} more (see the summary file)`);
  }
  if (summary.stoppedBy) lines.push('', `Stopped: ${summary.stoppedBy}`);
  if (context.developmentSecret) {
    lines.push(
      '',
      'Unsubscribe links are signed with a development secret: set DIGEST_UNSUBSCRIBE_SECRET before sending real mail.',
    );
  }
  lines.push('', `Summary: ${context.summaryPath}`);
  return lines.join('\n');
}
