import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Source } from '../../src/adapters/s3-source.js';
import { buildDigest } from '../../src/core/render/build.js';
import { compileTemplates } from '../../src/core/render/render.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { runDigest } from '../helpers/cli.js';
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from '../helpers/s3rver.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

const BRIEFINGS: Record<string, string> = {
  '2026-11-16-tin.md':
    '---\ntitle: Tin smelter restarts in Bolivia\nsource: Metals Desk\n---\n## Highlights\n- A smelter near Oruro restarted after repairs.\n',
  '2026-11-17-zinc.md':
    '---\ntitle: Zinc stocks fall in Rotterdam\nsource: Metals Desk\n---\n## Highlights\n- Warehouse stocks dropped for a fifth week.\n',
  'week47/2026-11-18-cobalt.md':
    '---\ntitle: Cobalt hydroxide prices steady\nsource: Metals Desk\n---\n## Highlights\n- Buyers waited for the new quarter.\n',
};
const ISSUE_FILE = [
  '# Week 47',
  'subject: "Week 47: tin is back"',
  'lead: 2026-11-16-tin.md',
  'drop: [2026-11-18-cobalt.md]',
  'ordr: [2026-11-17-zinc.md]',
  '',
].join('\n');

function folderWith(files: Record<string, string>): string {
  const folder = temporaryFolder('issue-file-');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(folder, name, '..'), { recursive: true });
    writeFileSync(join(folder, name), content);
  }
  return folder;
}

describe('the issue file in a folder of briefings', () => {
  it('steers the build, says what it changed and warns about what it could not use', async () => {
    const source = folderWith({ ...BRIEFINGS, 'issues/2026-W47.yaml': ISSUE_FILE });
    const out = temporaryFolder();
    const run = await runDigest(['build', '--source', source, '--week', '2026-W47', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'));
    expect(manifest.subject).toBe('Week 47: tin is back');
    expect(manifest.items.map((item: { file: string }) => item.file)).toEqual([
      '2026-11-16-tin.md',
      '2026-11-17-zinc.md',
    ]);
    expect(manifest.skipped).toEqual([
      {
        file: 'week47/2026-11-18-cobalt.md',
        reason: 'dropped by the issue file',
        title: 'Cobalt hydroxide prices steady',
      },
    ]);
    expect(manifest.sources).toEqual({ listed: 3, read: 3 });
    expect(manifest.issueFile).toMatchObject({
      path: 'issues/2026-W47.yaml',
      applied: {
        subject: 'Week 47: tin is back',
        lead: '2026-11-16-tin.md',
        dropped: ['week47/2026-11-18-cobalt.md'],
      },
    });
    expect(run.stdout).toContain(
      '  Issue file: issues/2026-W47.yaml (lead 2026-11-16-tin.md, 1 dropped, subject)\n',
    );
    expect(run.stdout).toContain(
      'Issue file warning: issues/2026-W47.yaml: "ordr" is not a key of an issue file (did you mean "order"?)\n',
    );
    expect(run.stdout).toContain('  - week47/2026-11-18-cobalt.md: dropped by the issue file\n');
  });

  it('builds without a broken issue file, naming the file and line in one warning', async () => {
    const source = folderWith({
      ...BRIEFINGS,
      'issues/2026-W47.yaml': 'lead: 2026-11-16-tin.md\norder: [a\n',
    });
    const out = temporaryFolder();
    const run = await runDigest(['build', '--source', source, '--week', '2026-W47', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Issue file warning: issues\/2026-W47\.yaml \(line \d\): not valid YAML \(.+\): fix it; this build ran without it$/m,
    );
    const manifest = JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'));
    expect(manifest.items).toHaveLength(3);
  });

  it('takes maxItems from the settings when the issue file does not set it', async () => {
    const source = folderWith(BRIEFINGS);
    const out = temporaryFolder();
    const run = await runDigest(['build', '--source', source, '--week', '2026-W47', '--out', out], {
      DIGEST_MAX_ITEMS: '1',
    });
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'));
    expect(manifest.maxItems).toBe(1);
    expect(manifest.beyondMaxItems).toHaveLength(2);
    expect(run.stdout).toContain('2 item(s) after the first 1 shown as title-only links ("More this week").');
  });
});

describe('digest inspect on an issue file', () => {
  it('shows what it sets and what it cannot use, with names checked against the folder', async () => {
    const source = folderWith({
      ...BRIEFINGS,
      'issues/2026-W47.yaml': `${ISSUE_FILE}order: [2026-11-17-zink.md]\nmaxItems: 6\n`,
    });
    const run = await runDigest(['inspect', join(source, 'issues', '2026-W47.yaml')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        join(source, 'issues', '2026-W47.yaml'),
        '  issue file of 2026-W47',
        '  subject:  Week 47: tin is back',
        '  lead:     2026-11-16-tin.md',
        '  order:    2026-11-17-zink.md',
        '  drop:     2026-11-18-cobalt.md',
        '  maxItems: 6',
        '  warnings:',
        '    - issues/2026-W47.yaml: "ordr" is not a key of an issue file (did you mean "order"?)',
        `    - issues/2026-W47.yaml: "order" names "2026-11-17-zink.md", which matches no briefing in ${source} (did you mean "2026-11-17-zinc.md"?)`,
        '',
      ].join('\n'),
    );
  });

  it('says no build reads an issue file whose name is no issue id', async () => {
    const source = folderWith({ ...BRIEFINGS, 'issues/week-47.yml': 'lead: 2026-11-16-tin.md\n' });
    const run = await runDigest(['inspect', join(source, 'issues', 'week-47.yml')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      '    - issues/week-47.yml: no build reads it: an issue file is named after its issue, such as issues/2026-W47.yaml (or issues/2026-11-16_2026-11-22.yaml for --since/--until)\n',
    );
  });

  it('lists an issue file of a folder as an issue file, not as a briefing', async () => {
    const source = folderWith({ ...BRIEFINGS, 'issues/2026-W47.yaml': ISSUE_FILE });
    const run = await runDigest(['inspect', '--json', source]);
    expect(run.code).toBe(0);
    const inspected = JSON.parse(run.stdout) as { file: string; ok: boolean; kind?: string }[];
    expect(inspected).toHaveLength(4);
    expect(inspected.find((entry) => entry.kind === 'issue file')).toEqual({
      file: join(source, 'issues', '2026-W47.yaml'),
      ok: true,
      kind: 'issue file',
      issueId: '2026-W47',
      settings: {
        subject: 'Week 47: tin is back',
        lead: '2026-11-16-tin.md',
        drop: ['2026-11-18-cobalt.md'],
      },
      warnings: ['issues/2026-W47.yaml: "ordr" is not a key of an issue file (did you mean "order"?)'],
    });
  });
});

describe('the issue file in an S3 prefix', () => {
  const BUCKET = 'steered';
  let s3: LocalS3;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    for (const [name, content] of Object.entries(BRIEFINGS))
      await s3.put(BUCKET, `briefings/${name}`, content);
    await s3.put(BUCKET, 'briefings/issues/2026-W47.yaml', ISSUE_FILE);
    await s3.put(BUCKET, 'briefings/issues/2026-W46.yaml', 'lead: something-else.md\n');
    await s3.put(BUCKET, 'briefings/issues/README.txt', 'Highlights\n- Issue files live here.\n');
  });

  afterAll(async () => {
    await s3?.close();
  });

  it('downloads the issue file of the week only, and applies it', async () => {
    const downloaded: string[] = [];
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') downloaded.push((args.input as { Key: string }).Key);
        return next(args);
      },
      { step: 'initialize', name: 'recordDownloads' },
    );
    try {
      const built = await buildDigest(
        s3Source({ bucket: BUCKET, prefix: 'briefings' }, { maxBytes: 64 * 1024, client: s3.client }),
        compileTemplates(bundledTemplateFiles()),
        {
          period: { kind: 'week', week: '2026-W47' },
          now: new Date('2026-11-23T08:00:00Z'),
          timeZone: 'UTC',
          maxBytes: 64 * 1024,
          publication: { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street' },
          unsubscribeUrl: 'https://metals.example/unsubscribe',
          archiveUrl: 'https://metals.example/archive/{issueId}',
        },
      );
      expect(downloaded.filter((key) => key.includes('/issues/'))).toEqual([
        'briefings/issues/2026-W47.yaml',
      ]);
      expect(built.digest.items.map((item) => item.file)).toEqual([
        '2026-11-16-tin.md',
        '2026-11-17-zinc.md',
      ]);
      expect(built.digest.skipped).toEqual([
        {
          file: 'week47/2026-11-18-cobalt.md',
          reason: 'dropped by the issue file',
          title: 'Cobalt hydroxide prices steady',
        },
      ]);
      expect(built.issueFile).toEqual({ path: 'issues/2026-W47.yaml', text: ISSUE_FILE });
    } finally {
      s3.client.middlewareStack.remove('recordDownloads');
    }
  });

  it('is applied by digest build --source s3://…', async () => {
    const out = temporaryFolder();
    const run = await runDigest(
      ['build', '--source', `s3://${BUCKET}/briefings`, '--week', '2026-W47', '--out', out],
      {
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'));
    expect(manifest.subject).toBe('Week 47: tin is back');
    expect(manifest.issueFile.path).toBe('issues/2026-W47.yaml');
  });
});
