import type { ArchivedIssue } from '../core/delivery/archive.js';
import { previousWeek } from '../core/digest/period.js';
import { type BuildSettings, buildDigest } from '../core/render/build.js';
import type { CompiledTemplates } from '../core/render/render.js';
import type { BriefingSource } from '../core/types.js';

/** What the weekly build needs from the outside world (S3, DynamoDB, SQS on AWS). */
export interface BuildIssuePorts {
  /** The briefings prefix: listed once, and only the week's files read. */
  briefings: BriefingSource;
  templates: CompiledTemplates;
  /** Stores the issue's files under archive/<issueId>/. */
  archive(issueId: string, files: Record<string, string>): Promise<void>;
  /** Lists the issue in the archive's index (archive/index.json), once it is queued. */
  publish(issue: ArchivedIssue): Promise<unknown>;
  issues: {
    get(issueId: string): Promise<{ status: string } | undefined>;
    begin(record: IssueProgress): Promise<boolean>;
    finish(record: IssueProgress): Promise<void>;
  };
  activeRecipients(): AsyncIterable<string>;
  enqueue(
    issueId: string,
    recipients: AsyncIterable<string>,
  ): Promise<{ recipients: number; batches: number }>;
}

export interface IssueProgress {
  issueId: string;
  subject: string;
  items: number;
  recipients?: number;
  batches?: number;
  updatedAt: string;
}

export type BuildIssueResult =
  | { status: 'already-enqueued'; issueId: string }
  | { status: 'no-briefings'; issueId: string; skipped: { file: string; reason: string }[] }
  | {
      status: 'enqueued';
      issueId: string;
      items: number;
      skipped: number;
      recipients: number;
      batches: number;
    };

/**
 * The weekly run: build the week's digest from the briefings, archive it, queue every active
 * subscriber for sending, and list the issue in the archive's index (only an issue that was
 * really queued: never one found already queued, nor a week without briefings). Safe to run twice: a finished issue is left alone, and an
 * unfinished one is queued again (the delivery ledger keeps that from sending anything twice).
 */
export async function buildIssue(
  request: { week?: string | undefined },
  settings: Omit<BuildSettings, 'period'>,
  ports: BuildIssuePorts,
): Promise<BuildIssueResult> {
  const week = request.week ?? previousWeek(settings.now, settings.timeZone);
  const existing = await ports.issues.get(week);
  if (existing?.status === 'enqueued') return { status: 'already-enqueued', issueId: week };

  const result = await buildDigest(ports.briefings, ports.templates, {
    ...settings,
    period: { kind: 'week', week },
  });
  const { digest, output } = result;
  if (!output) return { status: 'no-briefings', issueId: digest.issueId, skipped: digest.skipped };

  await ports.archive(digest.issueId, {
    'digest.html': output.html,
    'digest.txt': output.text,
    'digest.json': `${JSON.stringify(result.manifest, null, 2)}\n`,
    'message.html': output.template.html,
    'message.txt': output.template.text,
  });
  const progress: IssueProgress = {
    issueId: digest.issueId,
    subject: digest.subject,
    items: digest.items.length,
    updatedAt: settings.now.toISOString(),
  };
  if (!(await ports.issues.begin(progress))) return { status: 'already-enqueued', issueId: digest.issueId };
  const queued = await ports.enqueue(digest.issueId, ports.activeRecipients());
  // Before `finish`: if the index cannot be written, the run fails and a retry queues again (the
  // ledger sends nobody twice) and publishes, rather than leave a sent issue out of the archive.
  await ports.publish({
    issueId: digest.issueId,
    subject: digest.subject,
    preheader: digest.preheader,
    publishedAt: settings.now.toISOString(),
  });
  await ports.issues.finish({ ...progress, ...queued, updatedAt: new Date().toISOString() });
  return {
    status: 'enqueued',
    issueId: digest.issueId,
    items: digest.items.length,
    skipped: digest.skipped.length,
    ...queued,
  };
}
