import type { IssueChange, IssueRecord, IssueStore } from '../../src/core/delivery/approval.js';

/** The Issues table in a Map, with the DynamoDB store's conditions (`src/adapters/issues-dynamodb.ts`). */
export class MemoryIssues implements IssueStore {
  readonly rows = new Map<string, IssueRecord>();

  async get(issueId: string) {
    const row = this.rows.get(issueId);
    return row && { ...row };
  }

  async begin(record: Omit<IssueRecord, 'status'>) {
    const existing = this.rows.get(record.issueId);
    if (existing && !(existing.status === 'enqueuing' && existing.approval === undefined)) return false;
    this.rows.set(record.issueId, { ...record, status: 'enqueuing', sendStartedAt: record.updatedAt });
    return true;
  }

  async finish(issueId: string, done: { recipients: number; batches: number; updatedAt: string }) {
    const existing = this.rows.get(issueId);
    if (existing) this.rows.set(issueId, { ...existing, status: 'enqueued', ...done });
  }

  async draft(record: IssueRecord) {
    if (this.rows.has(record.issueId)) return false;
    this.rows.set(record.issueId, { ...record });
    return true;
  }

  async change(issueId: string, change: IssueChange) {
    const existing = this.rows.get(issueId);
    if (existing?.status !== change.from) return false;
    this.rows.set(issueId, { ...existing, ...change.set });
    return true;
  }

  async claimSend(issueId: string, now: string, staleBefore: string) {
    const existing = this.rows.get(issueId);
    const stale =
      existing?.status === 'enqueuing' &&
      existing.approval !== undefined &&
      (existing.sendStartedAt === undefined || existing.sendStartedAt < staleBefore);
    if (existing?.status !== 'approved' && !stale) return false;
    this.rows.set(issueId, {
      ...existing,
      status: 'enqueuing',
      sendStartedAt: now,
      updatedAt: now,
    } as IssueRecord);
    return true;
  }

  async *all() {
    for (const row of this.rows.values()) yield { ...row };
  }
}

/** A draft record as the weekly build leaves it. */
export function draftRecord(overrides: Partial<IssueRecord> = {}): IssueRecord {
  return {
    issueId: '2026-W47',
    status: 'draft',
    subject: 'Week 47: Copper output slips',
    preheader: 'Also: tin',
    items: 6,
    updatedAt: '2026-11-23T08:00:00.000Z',
    approval: 'required',
    draftedAt: '2026-11-23T08:00:00.000Z',
    linkExpiresAt: '2026-11-30T08:00:00.000Z',
    editors: 2,
    ...overrides,
  };
}
