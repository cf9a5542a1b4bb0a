import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderArchive } from '../../src/adapters/archive-fs.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { runDigest } from '../helpers/cli.js';
import { builtDigest, subscriberList } from '../helpers/sending.js';

/** `digest send` of a built digest to a small list, into its own archive folder. */
const send = (digest: string, archive: string, ...more: string[]) =>
  runDigest(['send', '--digest', digest, '--subscribers', subscriberList(3), '--archive', archive, ...more]);
const summaryOf = (digest: string, name = 'send-summary.json') =>
  JSON.parse(readFileSync(join(digest, name), 'utf8'));

/** Every file under the folder with its bytes and modified time: what "unchanged" means. */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(folder, { recursive: true, encoding: 'utf8' })) {
    const info = statSync(join(folder, name));
    if (info.isFile()) files[name] = `${info.mtimeMs} ${readFileSync(join(folder, name), 'utf8')}`;
  }
  return files;
}

describe('digest send and the archive', () => {
  it('archives the issue on its first real send: digest.html, digest.json and an index entry', async () => {
    // Arrange
    const digest = builtDigest();
    const archive = join(temporaryFolder(), 'public', 'archive');
    const before = Date.now();

    // Act
    const run = await send(digest, archive);

    // Assert
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`\\n  archive\\s+2026-W47 added to ${archive} \\(published 20`));
    for (const name of ['digest.html', 'digest.json'])
      expect(readFileSync(join(archive, '2026-W47', name), 'utf8')).toBe(
        readFileSync(join(digest, name), 'utf8'),
      );
    const [issue, ...rest] = await folderArchive(archive).issues();
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      issueId: '2026-W47',
      subject: 'Week 47: Copper output slips (+2 more)',
      preheader: 'Copper output slipped in Chile; tin and zinc held steady.',
    });
    // When the send started: before its summary was written, and not before the command ran.
    const publishedAt = Date.parse(issue?.publishedAt ?? '');
    expect(publishedAt).toBeGreaterThanOrEqual(before);
    expect(issue?.publishedAt).toBe(summaryOf(digest).startedAt);
    expect(summaryOf(digest).archive).toMatchObject({ folder: archive, status: 'archived' });
    expect(readdirSync(archive).sort()).toEqual(['2026-W47', 'index.json']);
  });

  it('changes nothing in the archive on a second send of the same issue', async () => {
    const digest = builtDigest();
    const archive = temporaryFolder();
    expect((await send(digest, archive)).code).toBe(0);
    const before = snapshot(archive);

    const again = await send(digest, archive);

    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\n {2}archive\s+2026-W47 already in .+ \(published .+\), unchanged\n/);
    expect(snapshot(archive)).toEqual(before);
  });

  it('archives nothing in a dry run, and says a real send will', async () => {
    const digest = builtDigest();
    const archive = join(temporaryFolder(), 'archive');

    const run = await send(digest, archive, '--dry-run');

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /\n {2}archive\s+unchanged in a dry run \(the first real send adds the issue to/,
    );
    expect(summaryOf(digest, 'send-summary.dry-run.json').archive).toMatchObject({ status: 'dry-run' });
    expect(existsSync(archive)).toBe(false);
  });

  it('archives nothing for a test message', async () => {
    const digest = builtDigest();
    const archive = join(temporaryFolder(), 'archive');

    const run = await send(digest, archive, '--test', 'editor@example.org');

    expect(run.code).toBe(0);
    expect(existsSync(archive)).toBe(false);
  });

  it('archives nothing when the send sent nothing, and the first send that does archives it', async () => {
    const digest = builtDigest();
    const archive = join(temporaryFolder(), 'archive');
    const nobody = runDigest([
      'send',
      '--digest',
      digest,
      '--subscribers',
      subscriberList(0, 'gone@example.org,unsubscribed\n'),
      '--archive',
      archive,
    ]);

    expect((await nobody).stdout).toMatch(/\n {2}archive\s+unchanged: no message went out/);
    expect(existsSync(archive)).toBe(false);

    expect((await send(digest, archive)).code).toBe(0);
    expect((await folderArchive(archive).issues()).map((issue) => issue.issueId)).toEqual(['2026-W47']);
  });

  it('takes the folder from DIGEST_ARCHIVE', async () => {
    const digest = builtDigest();
    const archive = join(temporaryFolder(), 'from-env');

    const run = await runDigest(['send', '--digest', digest, '--subscribers', subscriberList(1)], {
      DIGEST_ARCHIVE: archive,
    });

    expect(run.code).toBe(0);
    expect(existsSync(join(archive, 'index.json'))).toBe(true);
  });

  it('says with one line when an issue that went out could not be archived, exits 1, and archives on the next run', async () => {
    const digest = builtDigest();
    const archive = temporaryFolder();
    const index = join(archive, 'index.json');
    writeFileSync(index, '{"issues": [');

    const run = await send(digest, archive);

    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\n {2}archive\s+not archived: .*index\.json is not an archive index/);
    expect(run.stderr).toMatch(
      /^digest: 2026-W47 went out but is not in the archive \(.*index\.json is not an archive index .*\): fix that and run digest send again, which sends nobody twice\n$/,
    );
    expect(summaryOf(digest)).toMatchObject({ sent: 3, archive: { status: 'failed' } });

    writeFileSync(index, '{"issues": []}');
    const next = await send(digest, archive);
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('Nothing to send');
    expect((await folderArchive(archive).issues()).map((issue) => issue.issueId)).toEqual(['2026-W47']);
  });
});
