import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveIssue, folderArchive } from '../../src/adapters/archive-fs.js';
import type { ArchiveIndexError } from '../../src/core/delivery/archive.js';
import { temporaryFolder } from '../helpers/briefings.js';

/** A folder as `digest build` leaves it, for one issue. */
function builtDigest(issueId: string, subject = `Issue ${issueId}`): string {
  const folder = temporaryFolder('digest-out-');
  writeFileSync(
    join(folder, 'digest.json'),
    `${JSON.stringify({ issueId, subject, preheader: `What happened in ${issueId}`, items: [] }, null, 2)}\n`,
  );
  writeFileSync(join(folder, 'digest.html'), `<!doctype html><title>${subject}</title><p>${issueId}</p>\n`);
  return folder;
}

const problems = () => {
  const seen: ArchiveIndexError[] = [];
  return { seen, onIndexProblem: (problem: ArchiveIndexError) => seen.push(problem) };
};

describe('archiving an issue into a folder', () => {
  it('copies digest.html and digest.json to <issueId>/ and lists the issue in index.json', async () => {
    // Arrange
    const archive = temporaryFolder('archive-');
    const digest = builtDigest('2026-W47', 'Copper & tin: <the week>');

    // Act
    const outcome = await archiveIssue(archive, digest, '2026-W47', new Date('2026-11-23T08:00:00Z'));

    // Assert
    expect(outcome).toEqual({
      status: 'archived',
      issue: {
        issueId: '2026-W47',
        subject: 'Copper & tin: <the week>',
        preheader: 'What happened in 2026-W47',
        publishedAt: '2026-11-23T08:00:00.000Z',
      },
    });
    for (const name of ['digest.html', 'digest.json']) {
      expect(readFileSync(join(archive, '2026-W47', name))).toEqual(readFileSync(join(digest, name)));
      expect(statSync(join(archive, '2026-W47', name)).mode & 0o777).toBe(0o644);
    }
    expect(JSON.parse(readFileSync(join(archive, 'index.json'), 'utf8'))).toEqual({
      issues: [outcome.issue],
    });
    expect(readdirSync(archive).sort()).toEqual(['2026-W47', 'index.json']);
    expect(readdirSync(join(archive, '2026-W47')).sort()).toEqual(['digest.html', 'digest.json']);
  });

  it('changes nothing when the issue is archived already, even if its build changed since', async () => {
    const archive = temporaryFolder('archive-');
    const digest = builtDigest('2026-W47');
    await archiveIssue(archive, digest, '2026-W47', new Date('2026-11-23T08:00:00Z'));
    const before = snapshot(archive);
    writeFileSync(join(digest, 'digest.html'), '<p>rebuilt</p>');

    const outcome = await archiveIssue(archive, digest, '2026-W47', new Date('2026-11-30T08:00:00Z'));

    expect(outcome).toMatchObject({
      status: 'already-archived',
      issue: { publishedAt: '2026-11-23T08:00:00.000Z' },
    });
    expect(snapshot(archive)).toEqual(before);
  });

  it('keeps the index newest first and loses no issue when several are archived at once', async () => {
    const archive = temporaryFolder('archive-');
    const weeks = Array.from({ length: 8 }, (_, index) => `2026-W${String(index + 40).padStart(2, '0')}`);

    await Promise.all(
      weeks.map((week, index) =>
        archiveIssue(archive, builtDigest(week), week, new Date(Date.UTC(2026, 9, 5 + 7 * index, 8))),
      ),
    );

    const issues = await folderArchive(archive).issues();
    expect(issues.map((issue) => issue.issueId)).toEqual([...weeks].reverse());
  });

  it('replaces the index whole: a reader never sees half of it, and no working file is left', async () => {
    const archive = temporaryFolder('archive-');
    // Enough issues that the index is written many times, read all the while.
    const weeks = Array.from({ length: 40 }, (_, index) => `issue-${index}`);
    let writing = true;
    const reads: string[] = [];
    const reader = (async () => {
      while (writing) {
        const text = await readFile(join(archive, 'index.json'), 'utf8').catch(() => undefined);
        if (text !== undefined) reads.push(text);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    for (const [index, week] of weeks.entries())
      await archiveIssue(archive, builtDigest(week), week, new Date(Date.UTC(2026, 0, 1 + index)));
    writing = false;
    await reader;

    expect(reads.length).toBeGreaterThan(0);
    for (const text of reads) expect(JSON.parse(text)).toHaveProperty('issues');
    expect(readdirSync(archive).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('refuses to write over a corrupt index and leaves it as it was', async () => {
    const archive = temporaryFolder('archive-');
    writeFileSync(join(archive, 'index.json'), '{"issues": [ {"issueId": "2026-W46"');

    await expect(
      archiveIssue(archive, builtDigest('2026-W47'), '2026-W47', new Date('2026-11-23T08:00:00Z')),
    ).rejects.toMatchObject({ name: 'ArchiveIndexError', reason: 'corrupt' });

    expect(readFileSync(join(archive, 'index.json'), 'utf8')).toBe('{"issues": [ {"issueId": "2026-W46"');
    expect(readdirSync(archive)).toEqual(['index.json']);
  });

  it('refuses an issue whose digest.json was rebuilt as another issue during the send', async () => {
    const archive = temporaryFolder('archive-');

    await expect(
      archiveIssue(archive, builtDigest('2026-W48'), '2026-W47', new Date('2026-11-23T08:00:00Z')),
    ).rejects.toThrow(/changed during the send \(it is now 2026-W48, not 2026-W47\)/);
    expect(readdirSync(archive)).toEqual([]);
  });
});

describe('reading the archive from a folder', () => {
  it('lists the issues newest first and serves each one’s HTML', async () => {
    const archive = temporaryFolder('archive-');
    await archiveIssue(archive, builtDigest('2026-W46'), '2026-W46', new Date('2026-11-16T08:00:00Z'));
    await archiveIssue(archive, builtDigest('2026-W47'), '2026-W47', new Date('2026-11-23T08:00:00Z'));
    const { seen, onIndexProblem } = problems();
    const reader = folderArchive(archive, { onIndexProblem });

    expect((await reader.issues()).map((issue) => issue.issueId)).toEqual(['2026-W47', '2026-W46']);
    expect(await reader.html('2026-W46')).toContain('<p>2026-W46</p>');
    expect(await reader.html('2026-W45')).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it.each(['..', '.', '../outside', 'a/b', '', '.hidden', '%2e%2e', 'x'.repeat(65), '2026-W47\u0000'])(
    'never looks up the issue id %j',
    async (issueId) => {
      const parent = temporaryFolder('archive-parent-');
      const archive = join(parent, 'archive');
      mkdirSync(archive);
      // Files a path made of the id would reach, if it were ever used as one.
      mkdirSync(join(parent, 'outside'));
      writeFileSync(join(parent, 'outside', 'digest.html'), 'secret');
      writeFileSync(join(parent, 'digest.html'), 'secret');
      writeFileSync(join(archive, 'digest.html'), 'secret');

      expect(await folderArchive(archive).html(issueId)).toBeUndefined();
    },
  );

  it('reads a missing index as an empty archive and says it is missing', async () => {
    const { seen, onIndexProblem } = problems();

    expect(await folderArchive(temporaryFolder('archive-'), { onIndexProblem }).issues()).toEqual([]);

    expect(seen.map((problem) => problem.reason)).toEqual(['missing']);
    expect(seen[0]?.message).toMatch(/index\.json does not exist: nothing is archived yet/);
  });

  it.each([
    ['not JSON', '{"issues": ['],
    ['no issues list', '[{"issueId": "2026-W47"}]'],
    ['issues that are not a list', '{"issues": "2026-W47"}'],
  ])('reads a corrupt index (%s) as an empty archive and says why', async (_case, text) => {
    const archive = temporaryFolder('archive-');
    writeFileSync(join(archive, 'index.json'), text);
    const { seen, onIndexProblem } = problems();

    expect(await folderArchive(archive, { onIndexProblem }).issues()).toEqual([]);

    expect(seen.map((problem) => problem.reason)).toEqual(['corrupt']);
    expect(seen[0]?.message).toMatch(/index\.json is not an archive index \(.+\): fix it or restore it/);
  });

  it('keeps the valid entries of an index with bad ones, and says how many were left out', async () => {
    const archive = temporaryFolder('archive-');
    const good = {
      issueId: '2026-W47',
      subject: 'S',
      preheader: 'P',
      publishedAt: '2026-11-23T08:00:00.000Z',
    };
    writeFileSync(
      join(archive, 'index.json'),
      JSON.stringify({
        issues: [
          good,
          { ...good, issueId: '../../etc' },
          { ...good, issueId: 'x', publishedAt: 'soon' },
          null,
        ],
      }),
    );
    const { seen, onIndexProblem } = problems();

    expect(await folderArchive(archive, { onIndexProblem }).issues()).toEqual([good]);

    expect(seen[0]?.message).toMatch(/3 of 4 entries are not valid issues/);
  });

  it('reads an index it cannot open as an empty archive and says so', async () => {
    const archive = temporaryFolder('archive-');
    mkdirSync(join(archive, 'index.json'));
    const { seen, onIndexProblem } = problems();

    expect(await folderArchive(archive, { onIndexProblem }).issues()).toEqual([]);

    expect(seen.map((problem) => problem.reason)).toEqual(['unreadable']);
    expect(seen[0]?.message).toMatch(/index\.json cannot be read \(EISDIR\)/);
  });
});

/** Every file under the folder, with its content and modified time. */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const path = join(folder, name);
    const info = statSync(path);
    if (info.isFile()) files[name] = `${info.mtimeMs} ${readFileSync(path, 'utf8')}`;
  }
  return files;
}
