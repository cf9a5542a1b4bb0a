import { describe, expect, it } from 'vitest';
import {
  type ApprovalPolicy,
  approvalPolicy,
  checkLocalApproval,
  contentFingerprint,
  decideApprove,
  decideHold,
  decideRelease,
  decideSend,
  decideWeeklyRun,
  type IssueRecord,
  type IssueStatus,
  type LocalApproval,
  newDraft,
  releaseChange,
  SEND_LEASE_MINUTES,
} from '../../src/core/delivery/approval.js';
import { DRAFT_COPY_SUFFIX, draftCopy } from '../../src/core/delivery/draft-copy.js';
import { draftRecord } from '../helpers/issues.js';
import { ISSUE } from '../helpers/sending.js';

const NOW = new Date('2026-11-23T08:00:00.000Z');
const minutesLater = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const record = (status: IssueStatus, overrides: Partial<IssueRecord> = {}) =>
  draftRecord({ status, ...overrides });

describe('the approval policy', () => {
  it.each([
    ['auto', 0, { kind: 'none' }],
    ['auto', 4, { kind: 'window', hours: 4 }],
    ['required', 0, { kind: 'required' }],
  ] as const)('reads %s with a %i-hour window as %j', (approval, hours, policy) => {
    expect(approvalPolicy(approval, hours)).toEqual(policy);
  });

  it('makes a draft that waits for approval, with an approve link good for 7 days', () => {
    expect(newDraft({ kind: 'required' }, NOW)).toEqual({
      status: 'draft',
      approval: 'required',
      draftedAt: '2026-11-23T08:00:00.000Z',
      linkExpiresAt: '2026-11-30T08:00:00.000Z',
    });
  });

  it('makes a window draft that is released when the window ends', () => {
    expect(newDraft({ kind: 'window', hours: 4 }, NOW)).toMatchObject({
      status: 'draft',
      approval: 'window',
      releaseAt: '2026-11-23T12:00:00.000Z',
    });
  });
});

describe('the weekly run', () => {
  it.each([
    ['nothing recorded, no approval', undefined, 'none', 'build-and-send'],
    ['nothing recorded, approval required', undefined, 'required', 'build-draft'],
    ['a draft waiting', record('draft'), 'required', 'already-drafted'],
    ['a held draft', record('held'), 'required', 'already-drafted'],
    ['a draft, even once approval is turned off', record('draft'), 'none', 'already-drafted'],
    ['an approved issue whose start was lost', record('approved'), 'required', 'send-approved'],
    ['an approved issue cut off while queueing', record('enqueuing'), 'required', 'send-approved'],
    [
      'an unapproved issue cut off while queueing (as before)',
      record('enqueuing', { approval: undefined }),
      'none',
      'build-and-send',
    ],
    ['a sent issue', record('enqueued'), 'required', 'already-sent'],
  ] as const)('with %s: %s', (_case, existing, kind, decision) => {
    expect(decideWeeklyRun(existing, { kind } as ApprovalPolicy)).toBe(decision);
  });
});

describe('approving', () => {
  it('turns a draft into an approved issue, says who and when, and starts the send', () => {
    expect(decideApprove(record('draft'), 'approve link', NOW)).toEqual({
      outcome: 'approved',
      change: {
        from: 'draft',
        set: {
          status: 'approved',
          approvedAt: NOW.toISOString(),
          approvedBy: 'approve link',
          updatedAt: NOW.toISOString(),
        },
      },
      startSend: true,
    });
  });

  it('approves a held issue and says that it was held', () => {
    const decision = decideApprove(record('held'), 'command line', NOW);
    expect(decision.outcome).toBe('approved-after-hold');
    expect(decision.change?.from).toBe('held');
    expect(decision.startSend).toBe(true);
  });

  it.each([
    ['approved', 'already-approved', true],
    ['enqueuing', 'already-approved', true],
    ['enqueued', 'already-sent', false],
  ] as const)(
    'changes nothing on an issue %s (%s), starting the send again only if unsent',
    (status, outcome, start) => {
      expect(decideApprove(record(status), 'approve link', NOW)).toEqual({ outcome, startSend: start });
    },
  );

  it('knows nothing of an issue with no record', () => {
    expect(decideApprove(undefined, 'approve link', NOW)).toEqual({ outcome: 'unknown', startSend: false });
  });
});

describe('holding', () => {
  it.each(['draft', 'approved'] as const)('holds an issue that is %s and not yet queued', (status) => {
    expect(decideHold(record(status), 'command line', NOW)).toEqual({
      outcome: 'held',
      change: {
        from: status,
        set: {
          status: 'held',
          heldAt: NOW.toISOString(),
          heldBy: 'command line',
          updatedAt: NOW.toISOString(),
        },
      },
    });
  });

  it.each([
    ['held', 'already-held'],
    ['enqueuing', 'too-late'],
    ['enqueued', 'too-late'],
  ] as const)('changes nothing on an issue %s (%s)', (status, outcome) => {
    expect(decideHold(record(status), 'command line', NOW)).toEqual({ outcome });
  });

  it('knows nothing of an issue with no record', () => {
    expect(decideHold(undefined, 'command line', NOW)).toEqual({ outcome: 'unknown' });
  });
});

describe('sending an approved issue', () => {
  it.each([
    ['approved', {}, 0, 'send'],
    ['enqueuing', { sendStartedAt: NOW.toISOString() }, 1, 'in-progress'],
    ['enqueuing', { sendStartedAt: NOW.toISOString() }, SEND_LEASE_MINUTES + 1, 'send'],
    ['enqueuing', {}, 0, 'send'],
    ['enqueued', {}, 0, 'already-sent'],
    ['draft', {}, 0, 'not-approved'],
    ['held', {}, 0, 'not-approved'],
  ] as const)('an issue %s (%j), %i minutes on: %s', (status, fields, minutes, decision) => {
    expect(decideSend(record(status, fields), minutesLater(minutes))).toBe(decision);
  });

  it('knows nothing of an issue with no record', () => {
    expect(decideSend(undefined, NOW)).toBe('unknown');
  });
});

describe('the release window', () => {
  const windowDraft = record('draft', { approval: 'window', releaseAt: minutesLater(240).toISOString() });

  it('waits until the window ends, then releases the draft', () => {
    expect(decideRelease(windowDraft, minutesLater(239))).toBe('wait');
    expect(decideRelease(windowDraft, minutesLater(240))).toBe('release');
    expect(decideRelease(windowDraft, minutesLater(600))).toBe('release');
  });

  it('never releases a held draft, nor one that waits for approval', () => {
    expect(decideRelease({ ...windowDraft, status: 'held' }, minutesLater(600))).toBe('wait');
    expect(decideRelease(record('draft'), minutesLater(60 * 24 * 30))).toBe('wait');
  });

  it('resumes an approved issue whose send never started, or was cut off, and leaves sent ones alone', () => {
    expect(decideRelease(record('approved'), NOW)).toBe('resume');
    expect(decideRelease(record('enqueuing', { sendStartedAt: NOW.toISOString() }), minutesLater(5))).toBe(
      'wait',
    );
    expect(
      decideRelease(
        record('enqueuing', { sendStartedAt: NOW.toISOString() }),
        minutesLater(SEND_LEASE_MINUTES + 1),
      ),
    ).toBe('resume');
    expect(decideRelease(record('enqueued'), NOW)).toBe('wait');
    // An issue sent without approval is never the release schedule's business.
    expect(decideRelease(record('enqueuing', { approval: undefined }), minutesLater(600))).toBe('wait');
  });

  it('releases only what is still a draft (the write is conditional on it)', () => {
    expect(releaseChange(NOW)).toEqual({
      from: 'draft',
      set: {
        status: 'approved',
        approvedAt: NOW.toISOString(),
        approvedBy: 'window',
        updatedAt: NOW.toISOString(),
      },
    });
  });
});

describe('a local build', () => {
  const build = {
    issueId: '2026-W47',
    approval: 'required',
    content: contentFingerprint(['{}', '<p>', 'text']),
  };
  const approval = (
    status: LocalApproval['status'],
    overrides: Partial<LocalApproval> = {},
  ): LocalApproval => ({
    issueId: '2026-W47',
    status,
    at: NOW.toISOString(),
    content: build.content,
    ...overrides,
  });

  it.each([
    ['a draft with no approval', build, undefined, { ok: false, reason: 'draft' }],
    ['an approved draft', build, approval('approved'), { ok: true }],
    ['a held draft', build, approval('held'), { ok: false, reason: 'held' }],
    [
      'a draft built again after its approval',
      build,
      approval('approved', { content: 'sha256:old' }),
      { ok: false, reason: 'changed' },
    ],
    [
      'an approval of another issue',
      build,
      approval('approved', { issueId: '2026-W46' }),
      { ok: false, reason: 'changed' },
    ],
    ['a build made without approval', { ...build, approval: undefined }, undefined, { ok: true }],
    [
      'a held build made without approval',
      { ...build, approval: undefined },
      approval('held'),
      { ok: false, reason: 'held' },
    ],
    [
      'an old hold of a build made again without approval',
      { ...build, approval: undefined },
      approval('held', { content: 'sha256:old' }),
      { ok: true },
    ],
  ] as const)('%s', (_case, local, record, check) => {
    expect(checkLocalApproval(local, record)).toEqual(check);
  });

  it('fingerprints the files so that moving text from one file to the next changes it', () => {
    expect(contentFingerprint(['ab', 'c'])).not.toBe(contentFingerprint(['a', 'bc']));
    expect(contentFingerprint(['ab', 'c'])).toBe(contentFingerprint(['ab', 'c']));
  });
});

describe('the draft copy', () => {
  const links = {
    approveUrl: 'https://list.example.com/approve?t=p1.abc',
    draftUrl: 'https://list.example.com/approve/draft?t=p1.abc',
  };

  it('is the issue under a [Draft] subject, with a banner and the approve link at the top of both parts', () => {
    const issue = {
      ...ISSUE,
      template: { ...ISSUE.template, html: `<html><body style="x">${ISSUE.template.html}</body></html>` },
    };
    const copy = draftCopy(issue, links);
    expect(copy.subject).toBe(`[Draft] ${ISSUE.subject}`);
    expect(copy.template.html).toMatch(
      /^<html><body style="x"><div [^>]*><strong>Draft for approval\.<\/strong>/,
    );
    expect(copy.template.html).toContain('href="https://list.example.com/approve?t=p1.abc"');
    expect(copy.template.html).toContain('It goes out only once someone approves it.');
    expect(copy.template.text.split('\n').slice(0, 2)).toEqual([
      'DRAFT FOR APPROVAL. Subscribers have not received this issue. It goes out only once someone approves it.',
      'Review and approve: https://list.example.com/approve?t=p1.abc',
    ]);
    expect(copy.template.text).toContain(ISSUE.template.text);
    // The per-recipient placeholders stay, for the send path to fill in.
    expect(copy.template.placeholders).toBe(ISSUE.template.placeholders);
    expect(copy.template.html).toContain(ISSUE.template.placeholders.unsubscribeUrl);
  });

  it('is ledgered apart from the issue, and its view-in-browser link leads to the draft', () => {
    const copy = draftCopy(ISSUE, links);
    expect(copy.issueId).toBe(`2026-W47${DRAFT_COPY_SUFFIX}`);
    expect(copy.viewInBrowserUrl).toBe(links.draftUrl);
  });

  it('says when a window draft goes out unless held', () => {
    const copy = draftCopy(ISSUE, { ...links, releaseAt: '2026-11-23T12:00:00.000Z' });
    expect(copy.template.text).toContain(
      'It goes out to every subscriber at 2026-11-23 12:00 UTC unless someone holds it first.',
    );
  });
});
