import { createHash } from 'node:crypto';

/**
 * Approval before a send: what an issue may do next, decided from its record alone, so that the
 * weekly build, the approve link, `digest approve`/`digest hold` and the release schedule all
 * follow one set of rules. The stores apply each decision with a write conditional on the status
 * it was made from, so two of them meeting half way cannot both win.
 *
 *   built ──▶ draft ──approve, or its window ends──▶ approved ──▶ enqueuing ──▶ enqueued
 *              │ ▲                                     │
 *         hold │ │ approve                        hold │
 *              ▼ │                                     │
 *              held ◀──────────────────────────────────┘
 *
 * Without approval (`none`) an issue goes from built straight to `enqueuing`, as it always has.
 */

/** How an issue reaches subscribers once it is built. */
export type ApprovalPolicy =
  /** Sent as soon as it is built. */
  | { kind: 'none' }
  /** Sent only after someone approves it. */
  | { kind: 'required' }
  /** Sent when the window ends, unless someone holds it first (or approves it earlier). */
  | { kind: 'window'; hours: number };

/**
 * The policy the settings ask for: `approval` (`required` or `auto`) and the window in hours
 * (0 = send at once). A window makes sense only with `auto`: with `required` nothing is sent
 * until someone approves, so the settings reject that pair before this is called.
 *
 * @example
 * approvalPolicy('auto', 4) // { kind: 'window', hours: 4 }
 */
export function approvalPolicy(approval: 'required' | 'auto', windowHours: number): ApprovalPolicy {
  if (approval === 'required') return { kind: 'required' };
  return windowHours > 0 ? { kind: 'window', hours: windowHours } : { kind: 'none' };
}

export const ISSUE_STATUSES = ['draft', 'held', 'approved', 'enqueuing', 'enqueued'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** Who or what approved or held an issue, as the record says. */
export type ApprovalActor = 'approve link' | 'command line' | 'window';

/**
 * One issue as the Issues table keeps it (README "Approval" lists the fields). An issue built
 * without approval has only the first group and `sendStartedAt`.
 */
export interface IssueRecord {
  issueId: string;
  status: IssueStatus;
  subject: string;
  /** The archive's index needs it when an approved draft is published. */
  preheader?: string;
  items: number;
  updatedAt: string;
  recipients?: number;
  batches?: number;
  /** When queueing began: a later run takes over only once `SEND_LEASE_MINUTES` have passed. */
  sendStartedAt?: string;
  /** How the draft waits: for someone's approval, or for its window to end. */
  approval?: 'required' | 'window';
  draftedAt?: string;
  /** The end of the window (`window` drafts only). */
  releaseAt?: string;
  /** Until when the approve links in the draft copies work. */
  linkExpiresAt?: string;
  /** How many editors the draft copies went to, and when they were queued. */
  editors?: number;
  editorsNotifiedAt?: string;
  approvedAt?: string;
  approvedBy?: ApprovalActor;
  heldAt?: string;
  heldBy?: ApprovalActor;
}

/**
 * Where issue records live (the Issues table on AWS). Every change is conditional: a method
 * answers false when the record was not in the state the change was decided from.
 */
export interface IssueStore {
  get(issueId: string): Promise<IssueRecord | undefined>;
  /** Queueing an issue built without approval begins; false when another run finished it. */
  begin(record: Omit<IssueRecord, 'status'>): Promise<boolean>;
  finish(issueId: string, done: { recipients: number; batches: number; updatedAt: string }): Promise<void>;
  /** A new draft; false when the issue has a record already. */
  draft(record: IssueRecord): Promise<boolean>;
  change(issueId: string, change: IssueChange): Promise<boolean>;
  /** `approved` (or a send cut off before `staleBefore`) → `enqueuing`; false when not to be had. */
  claimSend(issueId: string, now: string, staleBefore: string): Promise<boolean>;
  all(): AsyncIterable<IssueRecord>;
}

/** How long the approve link of a draft copy works. */
export const APPROVAL_LINK_DAYS = 7;
/**
 * Longer than the build function may run (5 minutes): a send that began this long ago and never
 * finished was cut off, and the next approve or release takes it over.
 */
export const SEND_LEASE_MINUTES = 15;

/** The approval fields of a new draft made at `now` under a policy that is not `none`. */
export function newDraft(
  policy: Exclude<ApprovalPolicy, { kind: 'none' }>,
  now: Date,
): Pick<IssueRecord, 'status' | 'approval' | 'draftedAt' | 'releaseAt' | 'linkExpiresAt'> {
  return {
    status: 'draft',
    approval: policy.kind,
    draftedAt: now.toISOString(),
    ...(policy.kind === 'window'
      ? { releaseAt: new Date(now.getTime() + policy.hours * 3_600_000).toISOString() }
      : {}),
    linkExpiresAt: new Date(now.getTime() + APPROVAL_LINK_DAYS * 86_400_000).toISOString(),
  };
}

/**
 * A moment as pages and messages show it, to the minute, in UTC.
 *
 * @example
 * utcMinute('2026-11-23T14:00:00.000Z') // '2026-11-23 14:00 UTC'
 */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A change of one record: written only while its status is still `from`. */
export interface IssueChange {
  from: IssueStatus;
  set: Partial<IssueRecord>;
}

/** What the weekly run does for a week that may already have a record. */
export type WeeklyRunDecision =
  /** Build, archive and queue at once (no approval), or carry on with a run that was cut off. */
  | 'build-and-send'
  /** Build and archive a draft, and send its copies to the editors. */
  | 'build-draft'
  /** A draft (or a held one) is waiting: it is not built again, so what editors saw is what goes. */
  | 'already-drafted'
  /** Approved, not yet queued (the start was lost, or a run was cut off): queue it, unbuilt. */
  | 'send-approved'
  | 'already-sent';

export function decideWeeklyRun(
  existing: IssueRecord | undefined,
  policy: ApprovalPolicy,
): WeeklyRunDecision {
  if (!existing) return policy.kind === 'none' ? 'build-and-send' : 'build-draft';
  switch (existing.status) {
    case 'enqueued':
      return 'already-sent';
    case 'draft':
    case 'held':
      return 'already-drafted';
    case 'approved':
      return 'send-approved';
    case 'enqueuing':
      // An approved issue is never built again: the archived draft is what was approved.
      return existing.approval ? 'send-approved' : 'build-and-send';
  }
}

export type ApproveOutcome =
  | 'approved'
  /** It was held: approving releases it, and says so. */
  | 'approved-after-hold'
  /** Approved before: the send is started again, which queues nobody twice. */
  | 'already-approved'
  | 'already-sent'
  | 'unknown';

export interface ApproveDecision {
  outcome: ApproveOutcome;
  change?: IssueChange;
  /** Whether to (re)start the send: harmless when it runs already. */
  startSend: boolean;
}

/**
 * Approving an issue: a draft or a held one becomes `approved` and its send starts; an issue
 * approved already has its send started again (a lost start is thereby recovered, and the send
 * itself queues nobody twice); a sent one is left alone.
 */
export function decideApprove(issue: IssueRecord | undefined, by: ApprovalActor, now: Date): ApproveDecision {
  if (!issue) return { outcome: 'unknown', startSend: false };
  const set: Partial<IssueRecord> = {
    status: 'approved',
    approvedAt: now.toISOString(),
    approvedBy: by,
    updatedAt: now.toISOString(),
  };
  switch (issue.status) {
    case 'draft':
      return { outcome: 'approved', change: { from: 'draft', set }, startSend: true };
    case 'held':
      return { outcome: 'approved-after-hold', change: { from: 'held', set }, startSend: true };
    case 'approved':
    case 'enqueuing':
      return { outcome: 'already-approved', startSend: true };
    case 'enqueued':
      return { outcome: 'already-sent', startSend: false };
  }
}

export type HoldOutcome =
  | 'held'
  | 'already-held'
  /** Queueing has begun (or is done): too late to hold. */
  | 'too-late'
  | 'unknown';

/**
 * Holding an issue: a draft, or an approved issue whose queueing has not begun, becomes `held`
 * and is never sent by the window; only an approval sends it.
 */
export function decideHold(
  issue: IssueRecord | undefined,
  by: ApprovalActor,
  now: Date,
): { outcome: HoldOutcome; change?: IssueChange } {
  if (!issue) return { outcome: 'unknown' };
  const set: Partial<IssueRecord> = { status: 'held', heldAt: now.toISOString(), heldBy: by };
  switch (issue.status) {
    case 'draft':
    case 'approved':
      return { outcome: 'held', change: { from: issue.status, set: { ...set, updatedAt: set.heldAt } } };
    case 'held':
      return { outcome: 'already-held' };
    case 'enqueuing':
    case 'enqueued':
      return { outcome: 'too-late' };
  }
}

/** What the send of an approved issue does (the build function's `{ "approve": … }`). */
export type SendDecision =
  | 'send'
  /** Another run began queueing less than `SEND_LEASE_MINUTES` ago. */
  | 'in-progress'
  | 'already-sent'
  | 'not-approved'
  | 'unknown';

export function decideSend(issue: IssueRecord | undefined, now: Date): SendDecision {
  if (!issue) return 'unknown';
  switch (issue.status) {
    case 'approved':
      return 'send';
    case 'enqueuing':
      return sendLeaseExpired(issue, now) ? 'send' : 'in-progress';
    case 'enqueued':
      return 'already-sent';
    case 'draft':
    case 'held':
      return 'not-approved';
  }
}

/** The moment before which a begun send counts as cut off. */
export function sendLeaseStart(now: Date): string {
  return new Date(now.getTime() - SEND_LEASE_MINUTES * 60_000).toISOString();
}

function sendLeaseExpired(issue: IssueRecord, now: Date): boolean {
  return issue.sendStartedAt === undefined || issue.sendStartedAt < sendLeaseStart(now);
}

/** What the release schedule does with one issue. */
export type ReleaseDecision =
  /** A window draft whose window has ended: approve it (by the window) and send it. */
  | 'release'
  /** Approved but never queued, or cut off while queueing: send it. */
  | 'resume'
  | 'wait';

export function decideRelease(issue: IssueRecord, now: Date): ReleaseDecision {
  if (
    issue.status === 'draft' &&
    issue.approval === 'window' &&
    issue.releaseAt !== undefined &&
    Date.parse(issue.releaseAt) <= now.getTime()
  )
    return 'release';
  if (issue.approval && decideSend(issue, now) === 'send') return 'resume';
  return 'wait';
}

/** The change that releases a window draft: conditional on it still being a draft (not held). */
export function releaseChange(now: Date): IssueChange {
  return {
    from: 'draft',
    set: {
      status: 'approved',
      approvedAt: now.toISOString(),
      approvedBy: 'window',
      updatedAt: now.toISOString(),
    },
  };
}

/**
 * A local build's approval (`approval.json` beside `digest.json`), bound to the exact files
 * `digest send` reads, so a build made again after an approval is not approved by it.
 */
export interface LocalApproval {
  issueId: string;
  status: 'approved' | 'held';
  at: string;
  /** `contentFingerprint` of digest.json, message.html and message.txt when it was written. */
  content: string;
}

export type LocalSendCheck = { ok: true } | { ok: false; reason: 'draft' | 'held' | 'changed' };

/**
 * Whether `digest send` may send a local build (a test or a dry run always may): a hold of this
 * very build stops it whatever it was built with; a build made with approval required needs an
 * approval of this very build.
 */
export function checkLocalApproval(
  build: { issueId: string; approval?: string; content: string },
  record: LocalApproval | undefined,
): LocalSendCheck {
  const current =
    record !== undefined && record.issueId === build.issueId && record.content === build.content;
  if (current && record.status === 'held') return { ok: false, reason: 'held' };
  if (build.approval !== 'required') return { ok: true };
  if (!record) return { ok: false, reason: 'draft' };
  return current ? { ok: true } : { ok: false, reason: 'changed' };
}

/** A fingerprint of a build's files, in order: SHA-256 over each file's length and text. */
export function contentFingerprint(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${Buffer.byteLength(file)}\n`).update(file);
  return `sha256:${hash.digest('hex')}`;
}
