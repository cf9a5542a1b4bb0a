import { describe, expect, it } from 'vitest';
import {
  type ArchivedIssue,
  isIssueId,
  parseArchiveIndex,
  serializeArchiveIndex,
  wentOut,
  withIssue,
} from '../../src/core/delivery/archive.js';

const issue = (issueId: string, publishedAt: string): ArchivedIssue => ({
  issueId,
  subject: `Subject ${issueId}`,
  preheader: `Preheader ${issueId}`,
  publishedAt,
});

describe('the archive index', () => {
  it('keeps issues newest first, whatever offset their dates were written with', () => {
    const index = [issue('2026-W46', '2026-11-16T08:00:00.000Z')];

    const next = withIssue(
      withIssue(index, issue('2026-W47', '2026-11-23T09:00:00+01:00')),
      issue('2026-W45', '2026-11-09T08:00:00Z'),
    );

    expect(next.map((entry) => entry.issueId)).toEqual(['2026-W47', '2026-W46', '2026-W45']);
  });

  it('keeps an issue’s first entry when it is added again', () => {
    const first = issue('2026-W47', '2026-11-23T08:00:00.000Z');

    expect(
      withIssue([first], { ...first, subject: 'Rebuilt', publishedAt: '2026-11-30T08:00:00.000Z' }),
    ).toEqual([first]);
  });

  it('reads back what it writes', () => {
    const issues = [
      issue('2026-W47', '2026-11-23T08:00:00.000Z'),
      issue('2026-W46', '2026-11-16T08:00:00.000Z'),
    ];

    expect(parseArchiveIndex(serializeArchiveIndex(issues), 'index.json')).toEqual({ issues });
  });

  it('drops fields it does not know from an entry', () => {
    const entry = { ...issue('2026-W47', '2026-11-23T08:00:00.000Z'), recipients: ['ana@example.org'] };

    expect(parseArchiveIndex(JSON.stringify({ issues: [entry] }), 'index.json').issues[0]).not.toHaveProperty(
      'recipients',
    );
  });
});

describe('issue ids in the archive', () => {
  it.each(['2026-W47', '2026-11-19_2026-11-25', 'all-3f2a9c1b7d4e', 'a', 'a..b', `x${'y'.repeat(63)}`])(
    'accepts %j',
    (issueId) => expect(isIssueId(issueId)).toBe(true),
  );

  it.each(['', '.', '..', '.hidden', '-x', 'a/b', 'a\\b', '../x', 'a b', 'é', `x${'y'.repeat(64)}`, 'a\n'])(
    'refuses %j',
    (issueId) => expect(isIssueId(issueId)).toBe(false),
  );
});

describe('when a send publishes its issue', () => {
  it.each([
    [{ dryRun: false, sent: 1, alreadySent: 0 }, true, 'a message went out in this run'],
    [{ dryRun: false, sent: 0, alreadySent: 5 }, true, 'messages went out in an earlier run'],
    [{ dryRun: false, sent: 0, alreadySent: 0 }, false, 'nothing went out (SES out of reach)'],
    [{ dryRun: true, sent: 0, alreadySent: 5 }, false, 'a dry run'],
  ])('%j → %s: %s', (summary, expected) => {
    expect(wentOut(summary)).toBe(expected);
  });
});
