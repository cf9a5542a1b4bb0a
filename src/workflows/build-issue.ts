import {
  type ApprovalPolicy,
  decideWeeklyRun,
  type IssueRecord,
  newDraft,
} from '../core/delivery/approval.js';
import { SENDABLE_FILE, sendableJson } from '../core/delivery/issue.js';
import { previousWeek } from '../core/digest/period.js';
import { type BuildSettings, buildDigest } from '../core/render/build.js';
import type { CompiledTemplates } from '../core/render/render.js';
import type { BriefingSource } from '../core/types.js';
import { type ApprovedSendResult, type SendPorts, sendApprovedIssue } from './approved-send.js';

/** What the weekly build needs from the outside world (S3, DynamoDB, SQS on AWS). */
export interface BuildIssuePorts extends SendPorts {
  /** The briefings prefix: listed once, and only the week's files read. */
  briefings: BriefingSource;
  templates: CompiledTemplates;
  /** Stores the issue's files under archive/<issueId>/. */
  archive(issueId: string, files: Record<string, string>): Promise<void>;
  /** Queues the `[Draft]` copies of a draft for the editors (the send function sends them). */
  notifyEditors(draft: IssueRecord, editors: string[]): Promise<void>;
}

/** Whether a built issue waits for approval, and who approves it. */
export interface ApprovalSettings {
  policy: ApprovalPolicy;
  /** Who gets the `[Draft]` copies (required unless the policy is `none`). */
  editors: string[];
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
    }
  | {
      status: 'draft';
      issueId: string;
      items: number;
      skipped: number;
      editors: number;
      /** When a window draft goes out unless held. */
      releaseAt?: string;
    }
  /** The week is a draft (or held) already: not built again; its copies are sent if they never were. */
  | { status: 'already-drafted'; issueId: string; issueStatus: 'draft' | 'held' }
  /** An approved issue found unsent: sent now, unbuilt. */
  | { status: 'approved-send'; issueId: string; send: ApprovedSendResult };

/**
 * The weekly run: build the week's digest from the briefings and archive it; then, without
 * approval, queue every active subscriber and list the issue in the archive's index (only an
 * issue that was really queued: never one found already queued, nor a week without briefings);
 * with approval, record it as a draft and send its `[Draft]` copies to the editors instead (it is
 * queued by `sendApprovedIssue` once approved, or once its window ends). Safe to run twice: a
 * finished issue is left alone, a draft is not built again, and an unfinished run is queued
 * again (the delivery ledger keeps that from sending anything twice).
 */
export async function buildIssue(
  request: { week?: string | undefined },
  settings: Omit<BuildSettings, 'period'> & { approval: ApprovalSettings },
  ports: BuildIssuePorts,
): Promise<BuildIssueResult> {
  const week = request.week ?? previousWeek(settings.now, settings.timeZone);
  const { policy, editors } = settings.approval;
  const existing = await ports.issues.get(week);
  const decision = decideWeeklyRun(existing, policy);
  if (decision === 'already-sent') return { status: 'already-enqueued', issueId: week };
  if (decision === 'send-approved')
    return {
      status: 'approved-send',
      issueId: week,
      send: await sendApprovedIssue(week, settings.now, ports),
    };
  if (decision === 'already-drafted' && existing) {
    // The run that made it stopped before queueing the copies: the ledger keeps them to one each.
    if (!existing.editorsNotifiedAt) await notify(existing, editors, settings.now, ports);
    return {
      status: 'already-drafted',
      issueId: week,
      issueStatus: existing.status === 'held' ? 'held' : 'draft',
    };
  }

  const result = await buildDigest(ports.briefings, ports.templates, {
    ...settings,
    period: { kind: 'week', week },
  });
  const { digest, output } = result;
  if (!output) return { status: 'no-briefings', issueId: digest.issueId, skipped: digest.skipped };

  const sendable = {
    manifest: `${JSON.stringify(result.manifest, null, 2)}\n`,
    html: output.template.html,
    text: output.template.text,
  };
  await ports.archive(digest.issueId, {
    'digest.html': output.html,
    'digest.txt': output.text,
    'digest.json': sendable.manifest,
    'message.html': sendable.html,
    'message.txt': sendable.text,
    // What sends read: one object, so two runs of one week at once can never leave a mix.
    [SENDABLE_FILE]: sendableJson(sendable),
  });
  const record: Omit<IssueRecord, 'status'> = {
    issueId: digest.issueId,
    subject: digest.subject,
    preheader: digest.preheader,
    items: digest.items.length,
    updatedAt: settings.now.toISOString(),
  };

  if (policy.kind !== 'none') {
    const draft: IssueRecord = { ...record, ...newDraft(policy, settings.now), editors: editors.length };
    if (!(await ports.issues.draft(draft)))
      return { status: 'already-drafted', issueId: digest.issueId, issueStatus: 'draft' };
    await notify(draft, editors, settings.now, ports);
    return {
      status: 'draft',
      issueId: digest.issueId,
      items: digest.items.length,
      skipped: digest.skipped.length,
      editors: editors.length,
      ...(draft.releaseAt ? { releaseAt: draft.releaseAt } : {}),
    };
  }

  if (!(await ports.issues.begin(record))) return { status: 'already-enqueued', issueId: digest.issueId };
  const queued = await ports.enqueue(digest.issueId, ports.activeRecipients());
  // Before `finish`: if the index cannot be written, the run fails and a retry queues again (the
  // ledger sends nobody twice) and publishes, rather than leave a sent issue out of the archive.
  await ports.publish({
    issueId: digest.issueId,
    subject: digest.subject,
    preheader: digest.preheader,
    publishedAt: settings.now.toISOString(),
  });
  await ports.issues.finish(digest.issueId, { ...queued, updatedAt: new Date().toISOString() });
  return {
    status: 'enqueued',
    issueId: digest.issueId,
    items: digest.items.length,
    skipped: digest.skipped.length,
    ...queued,
  };
}

/** Queues the draft copies and notes it (unless the draft was approved or held meanwhile). */
async function notify(
  draft: IssueRecord,
  editors: string[],
  now: Date,
  ports: BuildIssuePorts,
): Promise<void> {
  await ports.notifyEditors(draft, editors);
  await ports.issues.change(draft.issueId, {
    from: draft.status,
    set: { editorsNotifiedAt: now.toISOString() },
  });
}
