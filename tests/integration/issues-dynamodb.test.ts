import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoIssueStore } from '../../src/adapters/issues-dynamodb.js';
import { type LocalDynamo, startLocalDynamo } from '../helpers/dynalite.js';
import { draftRecord } from '../helpers/issues.js';

// The Issues table's conditions, as DynamoDB (dynalite) applies them: each change is written only
// from the state it was decided on.
let dynamo: LocalDynamo;
let store: DynamoIssueStore;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});
beforeEach(async () => {
  const table = `issues-${++tables}`;
  await dynamo.createIssuesTable(table);
  store = new DynamoIssueStore(dynamo.client, table);
});

const T0 = '2026-11-23T08:00:00.000Z';
const T1 = '2026-11-23T08:05:00.000Z';
const T2 = '2026-11-23T08:30:00.000Z';

describe('the Issues table', () => {
  it('records a draft once', async () => {
    expect(await store.draft(draftRecord())).toBe(true);
    expect(await store.draft(draftRecord({ subject: 'another' }))).toBe(false);
    expect(await store.get('2026-W47')).toEqual(draftRecord());
  });

  it('changes a record only from the status the change was decided on, keeping the other fields', async () => {
    await store.draft(draftRecord());
    const approve = { status: 'approved' as const, approvedAt: T1, approvedBy: 'approve link' as const };
    expect(await store.change('2026-W47', { from: 'held', set: approve })).toBe(false);
    expect(await store.change('2026-W47', { from: 'draft', set: approve })).toBe(true);
    expect(await store.get('2026-W47')).toEqual({ ...draftRecord(), ...approve });
    expect(await store.change('2026-W48', { from: 'draft', set: approve })).toBe(false);
    expect(await store.get('2026-W48')).toBeUndefined();
  });

  it('lets one run take an approved send, and another only once the first one’s lease has passed', async () => {
    await store.draft(draftRecord({ status: 'approved' }));
    expect(await store.claimSend('2026-W47', T1, T0)).toBe(true);
    expect(await store.get('2026-W47')).toMatchObject({ status: 'enqueuing', sendStartedAt: T1 });
    expect(await store.claimSend('2026-W47', T1, T0)).toBe(false);
    expect(await store.claimSend('2026-W47', T2, T2)).toBe(true);
    await store.finish('2026-W47', { recipients: 3, batches: 1, updatedAt: T2 });
    expect(await store.get('2026-W47')).toMatchObject({
      status: 'enqueued',
      recipients: 3,
      approval: 'required',
      sendStartedAt: T2,
    });
    expect(await store.claimSend('2026-W47', T2, T2)).toBe(false);
  });

  it.each(['draft', 'held'] as const)('never takes the send of an issue that is %s', async (status) => {
    await store.draft(draftRecord({ status }));
    expect(await store.claimSend('2026-W47', T1, T2)).toBe(false);
    expect((await store.get('2026-W47'))?.status).toBe(status);
  });

  it('begins an issue sent without approval as before, and never over a draft', async () => {
    const record = { issueId: '2026-W47', subject: 's', items: 1, updatedAt: T0 };
    expect(await store.begin(record)).toBe(true);
    expect(await store.get('2026-W47')).toMatchObject({ status: 'enqueuing', sendStartedAt: T0 });
    // A run cut off is carried on by the next one; a finished one is not.
    expect(await store.begin({ ...record, updatedAt: T1 })).toBe(true);
    // …and an approval's send is never taken by a plain begin, nor a plain one by an approval's claim.
    expect(await store.claimSend('2026-W47', T2, T2)).toBe(false);
    await store.finish('2026-W47', { recipients: 1, batches: 1, updatedAt: T1 });
    expect(await store.begin(record)).toBe(false);

    await store.draft(draftRecord({ issueId: '2026-W48' }));
    expect(await store.begin({ ...record, issueId: '2026-W48' })).toBe(false);
    expect((await store.get('2026-W48'))?.status).toBe('draft');
  });

  it('lists every issue', async () => {
    for (const issueId of ['2026-W45', '2026-W46', '2026-W47']) await store.draft(draftRecord({ issueId }));
    const ids: string[] = [];
    for await (const issue of store.all()) ids.push(issue.issueId);
    expect(ids.sort()).toEqual(['2026-W45', '2026-W46', '2026-W47']);
  });
});
