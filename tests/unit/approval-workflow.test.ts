import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalPolicy, IssueRecord } from '../../src/core/delivery/approval.js';
import type { ArchivedIssue } from '../../src/core/delivery/archive.js';
import { compileTemplates } from '../../src/core/render/render.js';
import { filesSource } from '../../src/core/types.js';
import { approveIssue, holdIssue } from '../../src/workflows/approval.js';
import { releaseDueIssues, sendApprovedIssue } from '../../src/workflows/approved-send.js';
import { type BuildIssuePorts, buildIssue } from '../../src/workflows/build-issue.js';
import { sourceFile } from '../helpers/briefings.js';
import { draftRecord, MemoryIssues } from '../helpers/issues.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

const NOW = new Date('2026-11-23T08:00:00.000Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const EDITORS = ['editor@news.example.com', 'desk@news.example.com'];
const READERS = ['ana@example.org', 'ben@example.com', 'chen@example.net'];
const templates = compileTemplates(bundledTemplateFiles());
const BRIEFINGS = join(import.meta.dirname, '..', '..', 'examples', 'briefings');

/** The weekly build's ports over memory: what it queued, published and sent to editors is kept. */
function world(issues = new MemoryIssues()) {
  const queued: { issueId: string; recipients: string[] }[] = [];
  const published: ArchivedIssue[] = [];
  const archived = new Map<string, Record<string, string>>();
  const drafts: { draft: IssueRecord; editors: string[] }[] = [];
  const started: string[] = [];
  const ports: BuildIssuePorts = {
    briefings: filesSource(
      ['2026-11-16-lithium-refinery.md', '2026-11-21-chile-copper.txt'].map((name) =>
        sourceFile(name, readFileSync(join(BRIEFINGS, name))),
      ),
    ),
    templates,
    archive: async (issueId, files) => {
      archived.set(issueId, files);
    },
    publish: async (issue) => {
      published.push(issue);
    },
    issues,
    activeRecipients: async function* () {
      yield* READERS;
    },
    enqueue: async (issueId, recipients) => {
      const list: string[] = [];
      for await (const recipient of recipients) list.push(recipient);
      queued.push({ issueId, recipients: list });
      return { recipients: list.length, batches: 1 };
    },
    notifyEditors: async (draft, editors) => {
      drafts.push({ draft, editors });
    },
  };
  const approval = {
    issues,
    startSend: async (issueId: string) => {
      started.push(issueId);
    },
  };
  return { ports, issues, queued, published, archived, drafts, started, approval };
}

const settings = (policy: ApprovalPolicy, now = NOW) => ({
  now,
  timeZone: 'UTC',
  maxBytes: 2_000_000,
  publication: { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street' },
  unsubscribeUrl: 'https://list.example.com/unsubscribe',
  archiveUrl: 'https://list.example.com/view/{issueId}',
  approval: { policy, editors: EDITORS },
});

describe('the weekly build with approval required', () => {
  it('archives a draft, queues nobody, publishes nothing, and sends its copies to the editors only', async () => {
    const { ports, issues, queued, published, archived, drafts } = world();
    const result = await buildIssue({ week: '2026-W47' }, settings({ kind: 'required' }), ports);
    expect(result).toMatchObject({ status: 'draft', issueId: '2026-W47', items: 2, editors: 2 });
    expect(queued).toEqual([]);
    expect(published).toEqual([]);
    expect(Object.keys(archived.get('2026-W47') ?? {})).toContain('message.html');
    expect(drafts.map(({ editors }) => editors)).toEqual([EDITORS]);
    expect(await issues.get('2026-W47')).toMatchObject({
      status: 'draft',
      approval: 'required',
      subject: expect.stringMatching(/^Week 47: /),
      preheader: expect.any(String),
      editors: 2,
      editorsNotifiedAt: NOW.toISOString(),
    });
  });

  it('builds a draft once: a second run leaves it as editors saw it and sends no second copy', async () => {
    const { ports, archived, drafts } = world();
    await buildIssue({ week: '2026-W47' }, settings({ kind: 'required' }), ports);
    archived.clear();
    expect(await buildIssue({ week: '2026-W47' }, settings({ kind: 'required' }), ports)).toEqual({
      status: 'already-drafted',
      issueId: '2026-W47',
      issueStatus: 'draft',
    });
    expect(archived.size).toBe(0);
    expect(drafts).toHaveLength(1);
  });

  it('queues the copies again when the run that made the draft stopped before it could', async () => {
    const issues = new MemoryIssues();
    issues.rows.set('2026-W47', draftRecord());
    const { ports, drafts } = world(issues);
    await buildIssue({ week: '2026-W47' }, settings({ kind: 'required' }), ports);
    expect(drafts).toHaveLength(1);
    expect((await issues.get('2026-W47'))?.editorsNotifiedAt).toBe(NOW.toISOString());
  });

  it('is sent once approved: queued once, published once, never built again', async () => {
    const { ports, issues, queued, published, archived, started, approval } = world();
    await buildIssue({ week: '2026-W47' }, settings({ kind: 'required' }), ports);
    archived.clear();

    const approved = await approveIssue('2026-W47', 'approve link', { ...approval, now: () => later(30) });
    expect(approved.outcome).toBe('approved');
    expect(started).toEqual(['2026-W47']);
    expect(queued).toEqual([]);

    expect(await sendApprovedIssue('2026-W47', later(31), ports)).toEqual({
      status: 'enqueued',
      issueId: '2026-W47',
      recipients: 3,
      batches: 1,
    });
    expect(queued).toEqual([{ issueId: '2026-W47', recipients: READERS }]);
    expect(published).toEqual([
      expect.objectContaining({ issueId: '2026-W47', publishedAt: later(31).toISOString() }),
    ]);
    expect(archived.size).toBe(0);
    expect(await issues.get('2026-W47')).toMatchObject({
      status: 'enqueued',
      approvedBy: 'approve link',
      approvedAt: later(30).toISOString(),
      recipients: 3,
    });

    // Approving again, sending again, the weekly run again, a release: nothing new is queued.
    expect(
      (await approveIssue('2026-W47', 'command line', { ...approval, now: () => later(40) })).outcome,
    ).toBe('already-sent');
    expect(await sendApprovedIssue('2026-W47', later(41), ports)).toEqual({
      status: 'already-enqueued',
      issueId: '2026-W47',
    });
    expect(await buildIssue({ week: '2026-W47' }, settings({ kind: 'required' }, later(42)), ports)).toEqual({
      status: 'already-enqueued',
      issueId: '2026-W47',
    });
    expect(await releaseDueIssues(later(60 * 24), ports)).toEqual({
      status: 'released',
      released: [],
      resumed: [],
    });
    expect(queued).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it('sends nothing for an issue that is not approved, and nothing twice while one run queues it', async () => {
    const { ports, issues, queued } = world();
    issues.rows.set('2026-W47', draftRecord());
    expect(await sendApprovedIssue('2026-W47', NOW, ports)).toEqual({
      status: 'not-approved',
      issueId: '2026-W47',
    });
    issues.rows.set('2026-W47', draftRecord({ status: 'enqueuing', sendStartedAt: NOW.toISOString() }));
    expect(await sendApprovedIssue('2026-W47', later(5), ports)).toEqual({
      status: 'in-progress',
      issueId: '2026-W47',
    });
    expect(queued).toEqual([]);
    // A run cut off is taken over once its lease has passed.
    expect((await sendApprovedIssue('2026-W47', later(20), ports)).status).toBe('enqueued');
    expect(await sendApprovedIssue('2026-W48', NOW, ports)).toEqual({
      status: 'unknown',
      issueId: '2026-W48',
    });
  });
});

describe('holding', () => {
  it('keeps a held issue from the send; approving it anyway says it was held, and sends it', async () => {
    const { ports, issues, queued, started, approval } = world();
    issues.rows.set('2026-W47', draftRecord());
    expect((await holdIssue('2026-W47', 'command line', { issues, now: () => NOW })).outcome).toBe('held');
    expect((await holdIssue('2026-W47', 'command line', { issues, now: () => NOW })).outcome).toBe(
      'already-held',
    );
    expect(await sendApprovedIssue('2026-W47', NOW, ports)).toMatchObject({ status: 'not-approved' });

    const approved = await approveIssue('2026-W47', 'command line', { ...approval, now: () => later(10) });
    expect(approved.outcome).toBe('approved-after-hold');
    expect(started).toEqual(['2026-W47']);
    expect((await sendApprovedIssue('2026-W47', later(11), ports)).status).toBe('enqueued');
    expect(queued).toHaveLength(1);
    expect((await holdIssue('2026-W47', 'command line', { issues, now: () => later(12) })).outcome).toBe(
      'too-late',
    );
  });

  it('wins over an approval that is still waiting for its send to start', async () => {
    const { ports, issues, queued, approval } = world();
    issues.rows.set('2026-W47', draftRecord());
    await approveIssue('2026-W47', 'approve link', { ...approval, now: () => NOW });
    expect((await holdIssue('2026-W47', 'command line', { issues, now: () => later(1) })).outcome).toBe(
      'held',
    );
    expect(await sendApprovedIssue('2026-W47', later(1), ports)).toMatchObject({ status: 'not-approved' });
    expect(queued).toEqual([]);
  });

  it('keeps a hold that lands between the send’s reading and its taking of the issue', async () => {
    const { ports, issues, queued } = world();
    issues.rows.set('2026-W47', draftRecord({ status: 'approved' }));
    const claim = issues.claimSend.bind(issues);
    issues.claimSend = async (...args) => {
      await holdIssue('2026-W47', 'command line', { issues, now: () => NOW });
      return claim(...args);
    };
    expect(await sendApprovedIssue('2026-W47', NOW, ports)).toEqual({
      status: 'not-approved',
      issueId: '2026-W47',
    });
    expect(queued).toEqual([]);
    expect((await issues.get('2026-W47'))?.status).toBe('held');
  });

  it('tries again when the issue changes between reading and writing, and then decides on what it found', async () => {
    const issues = new MemoryIssues();
    issues.rows.set('2026-W47', draftRecord());
    const racing = Object.assign(Object.create(issues) as MemoryIssues, {
      change: async (...args: Parameters<MemoryIssues['change']>) => {
        // Someone approves between our read and our write.
        issues.rows.set('2026-W47', draftRecord({ status: 'approved' }));
        racing.change = issues.change.bind(issues);
        return issues.change(...args);
      },
    });
    const started: string[] = [];
    const result = await approveIssue('2026-W47', 'command line', {
      issues: racing,
      startSend: async (issueId) => {
        started.push(issueId);
      },
      now: () => NOW,
    });
    expect(result.outcome).toBe('already-approved');
    expect(started).toEqual(['2026-W47']);
  });

  it('says in one line when the send could not be started, and that approving again starts it', async () => {
    const issues = new MemoryIssues();
    issues.rows.set('2026-W47', draftRecord());
    const failing = {
      issues,
      startSend: async () => {
        throw new Error('Rate exceeded');
      },
      now: () => NOW,
    };
    await expect(approveIssue('2026-W47', 'approve link', failing)).rejects.toThrow(
      /^2026-W47 is approved, but its send could not be started \(Rate exceeded\): approve it again to start it$/,
    );
    expect((await issues.get('2026-W47'))?.status).toBe('approved');
  });
});

describe('the approval window', () => {
  const window: ApprovalPolicy = { kind: 'window', hours: 4 };

  it('sends the draft when the window ends, once', async () => {
    const { ports, issues, queued, published } = world();
    const built = await buildIssue({ week: '2026-W47' }, settings(window), ports);
    expect(built).toMatchObject({ status: 'draft', releaseAt: later(240).toISOString() });

    expect(await releaseDueIssues(later(239), ports)).toEqual({
      status: 'released',
      released: [],
      resumed: [],
    });
    expect(queued).toEqual([]);

    const released = await releaseDueIssues(later(240), ports);
    expect(released.released).toEqual([
      { status: 'enqueued', issueId: '2026-W47', recipients: 3, batches: 1 },
    ]);
    expect(await issues.get('2026-W47')).toMatchObject({ status: 'enqueued', approvedBy: 'window' });
    expect(published).toHaveLength(1);

    expect(await releaseDueIssues(later(255), ports)).toEqual({
      status: 'released',
      released: [],
      resumed: [],
    });
    expect(queued).toHaveLength(1);
  });

  it('never sends a held draft, however long past its window', async () => {
    const { ports, issues, queued } = world();
    await buildIssue({ week: '2026-W47' }, settings(window), ports);
    await holdIssue('2026-W47', 'command line', { issues, now: () => later(60) });
    for (const minutes of [240, 600, 60 * 24 * 6]) await releaseDueIssues(later(minutes), ports);
    expect(queued).toEqual([]);
    expect((await issues.get('2026-W47'))?.status).toBe('held');
  });

  it('sends a draft approved before its window ends at once, and the window then releases nothing', async () => {
    const { ports, queued, approval } = world();
    await buildIssue({ week: '2026-W47' }, settings(window), ports);
    await approveIssue('2026-W47', 'approve link', { ...approval, now: () => later(10) });
    await sendApprovedIssue('2026-W47', later(10), ports);
    expect(await releaseDueIssues(later(300), ports)).toEqual({
      status: 'released',
      released: [],
      resumed: [],
    });
    expect(queued).toHaveLength(1);
  });

  it('picks up an approved issue whose start was lost', async () => {
    const { ports, issues, queued } = world();
    issues.rows.set('2026-W46', draftRecord({ issueId: '2026-W46', status: 'approved' }));
    const result = await releaseDueIssues(NOW, ports);
    expect(result.resumed).toEqual([{ status: 'enqueued', issueId: '2026-W46', recipients: 3, batches: 1 }]);
    expect(queued).toHaveLength(1);
  });
});

describe('the weekly build without approval', () => {
  it('queues and publishes at once, as it always has', async () => {
    const { ports, issues, queued, published, drafts } = world();
    expect(await buildIssue({ week: '2026-W47' }, settings({ kind: 'none' }), ports)).toMatchObject({
      status: 'enqueued',
      recipients: 3,
    });
    expect(queued).toHaveLength(1);
    expect(published).toHaveLength(1);
    expect(drafts).toEqual([]);
    expect((await issues.get('2026-W47'))?.status).toBe('enqueued');
    expect(await buildIssue({ week: '2026-W47' }, settings({ kind: 'none' }), ports)).toEqual({
      status: 'already-enqueued',
      issueId: '2026-W47',
    });
  });
});
