import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { s3IssueFileStore } from '../../src/adapters/issue-file-s3.js';
import { runPreview } from '../../src/cli/preview-command.js';
import { issueFileVersion, StaleIssueFileError } from '../../src/core/digest/steer-actions.js';
import type { PreviewState } from '../../src/preview/session.js';
import { resolveSettings } from '../../src/settings/settings.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT } from '../helpers/cli.js';
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from '../helpers/s3rver.js';

const ISSUE = 'issues/2026-W47.yaml';
const NEWEST_FIRST = [
  '2026-11-21-chile-copper.txt',
  '2026-11-20-grid-storage-tender.md',
  '2026-11-19-indonesia-nickel.txt',
  '2026-11-18-magnet-recycling.json',
  '2026-11-17-antwerp-bonded-warehouse.txt',
  '2026-11-16-lithium-refinery.md',
];

type Preview = Awaited<ReturnType<typeof runPreview>>;

/** The preview's API as its page uses it. */
function client(preview: () => Preview) {
  const state = async () =>
    (await (await fetch(new URL('/api/state', preview().url))).json()) as PreviewState;
  const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(new URL('/api/issue', preview().url), { method: 'POST', headers, body: JSON.stringify(body) });
  /** An action based on the issue file the page shows now. */
  const steer = async (action: Record<string, unknown>) =>
    post({ ...action, base: (await state()).issueFileVersion });
  const files = async () => (await state()).manifest?.items.map((item) => item.file);
  return { state, post, steer, files };
}

describe('steering the issue file from the preview, in a folder', () => {
  const source = temporaryFolder('preview-steer-source-');
  const issueFile = join(source, ISSUE);
  let preview: Preview;
  const { state, post, steer, files } = client(() => preview);

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'briefings'), source, { recursive: true });
    const settings = resolveSettings(
      { source, digest: temporaryFolder('preview-steer-out-'), port: 0, week: 'latest' },
      {},
    );
    preview = await runPreview(settings, () => {});
  });

  beforeEach(async () => {
    rmSync(join(source, 'issues'), { recursive: true, force: true });
    // Steering starts from the file as the build read it: wait for the build without one.
    await vi.waitFor(async () =>
      expect((await state()).issueFileVersion).toBe(issueFileVersion(ISSUE, null)),
    );
  });

  afterAll(async () => {
    await preview?.stop();
  });

  it('pins a lead: creates issues/ and the file atomically, and answers once the new build is ready', async () => {
    const before = (await state()).version;
    const response = await steer({ action: 'pin', file: '2026-11-18-magnet-recycling.json' });
    const written = 'lead: 2026-11-18-magnet-recycling.json\n';
    // The answer names the file's new version: the base of the page's next action.
    expect([response.status, await response.json()]).toEqual([
      200,
      { written: true, issueFileVersion: issueFileVersion(ISSUE, written) },
    ]);

    expect(readFileSync(issueFile, 'utf8')).toBe(written);
    // No temporary file is left beside it.
    expect(readdirSync(join(source, 'issues'))).toEqual(['2026-W47.yaml']);
    const after = await state();
    expect(after.version).toBeGreaterThan(before);
    expect(after.manifest?.items[0]?.file).toBe('2026-11-18-magnet-recycling.json');
    expect(after.issueFileVersion).toBe(issueFileVersion(ISSUE, readFileSync(issueFile, 'utf8')));
  });

  it('moves a story down, writing the whole order shown', async () => {
    const response = await steer({ action: 'move', file: '2026-11-21-chile-copper.txt', value: 'down' });
    expect(response.status).toBe(200);
    const order = [NEWEST_FIRST[1], NEWEST_FIRST[0], ...NEWEST_FIRST.slice(2)];
    expect(readFileSync(issueFile, 'utf8')).toBe(`order:\n${order.map((file) => `  - ${file}\n`).join('')}`);
    expect(await files()).toEqual(order);
  });

  it('drops a story and restores it; the dropped lead stops leading', async () => {
    await steer({ action: 'pin', file: '2026-11-19-indonesia-nickel.txt' });
    expect((await steer({ action: 'drop', file: '2026-11-19-indonesia-nickel.txt' })).status).toBe(200);
    expect(readFileSync(issueFile, 'utf8')).toBe('drop:\n  - 2026-11-19-indonesia-nickel.txt\n');
    const dropped = await state();
    expect(dropped.manifest?.items.map((item) => item.file)).not.toContain('2026-11-19-indonesia-nickel.txt');
    expect(dropped.manifest?.skipped).toContainEqual({
      file: '2026-11-19-indonesia-nickel.txt',
      reason: 'dropped by the issue file',
      // Its title, for the page's Dropped list.
      title: 'Indonesia’s nickel smelters produced a record 190,000 tonnes of nickel in matte and pig…',
    });

    expect((await steer({ action: 'restore', file: '2026-11-19-indonesia-nickel.txt' })).status).toBe(200);
    expect(readFileSync(issueFile, 'utf8')).toBe('');
    expect(await files()).toEqual(NEWEST_FIRST);
  });

  it('edits the subject, keeping the comments and keys the editor wrote by hand', async () => {
    const handWritten =
      '# Week 47, steered by Ana\nreviewer: Ana # not a key the digest knows\nmaxItems: 4 # short week\n';
    saveByHand(handWritten);
    await vi.waitFor(async () => expect((await state()).manifest?.maxItems).toBe(4));

    const response = await steer({
      action: 'edit',
      field: 'subject',
      value: 'Week 47: copper slips, lithium ships',
    });
    expect(response.status).toBe(200);
    expect(readFileSync(issueFile, 'utf8')).toBe(
      `${handWritten}subject: "Week 47: copper slips, lithium ships"\n`,
    );
    expect((await state()).manifest?.subject).toBe('Week 47: copper slips, lithium ships');

    expect((await steer({ action: 'edit', field: 'subject', value: '' })).status).toBe(200);
    expect(readFileSync(issueFile, 'utf8')).toBe(handWritten);
    expect((await state()).manifest?.subject).toMatch(/^Week 47: Chile’s copper output slips/);
  });

  it('refuses an action based on a file that changed since the page read it (409), and shows the file as it is', async () => {
    const seen = (await state()).issueFileVersion;
    const changed = 'lead: 2026-11-16-lithium-refinery.md\n';
    saveByHand(changed);

    const response = await post({ action: 'pin', file: '2026-11-20-grid-storage-tender.md', base: seen });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: 'issues/2026-W47.yaml changed since the page showed it: look at it again and redo your change',
    });
    expect(readFileSync(issueFile, 'utf8')).toBe(changed);
    // The answer comes after a build that read the changed file: the page reloads and sees it.
    expect((await state()).issueFileVersion).toBe(issueFileVersion(ISSUE, changed));
  });

  it('never replaces a file that is not valid YAML: the editor fixes it first', async () => {
    const broken = '# half-typed\nlead: 2026-11-16-lithium-refinery.md\norder: [a.md\n';
    saveByHand(broken);
    await vi.waitFor(async () =>
      expect((await state()).issueFileVersion).toBe(issueFileVersion(ISSUE, broken)),
    );

    const response = await steer({ action: 'pin', file: '2026-11-20-grid-storage-tender.md' });
    expect([response.status, await response.json()]).toEqual([
      400,
      { error: 'issues/2026-W47.yaml is not a valid issue file: fix it in your editor, then try again' },
    ]);
    expect(readFileSync(issueFile, 'utf8')).toBe(broken);
  });

  it('neither reads nor replaces an issue file that is a symbolic link, and says why', async () => {
    const elsewhere = join(temporaryFolder('preview-steer-link-'), 'w47.yaml');
    writeFileSync(elsewhere, 'subject: Kept elsewhere\n');
    mkdirSync(join(source, 'issues'), { recursive: true });
    symlinkSync(elsewhere, issueFile);
    const response = await steer({ action: 'pin', file: '2026-11-20-grid-storage-tender.md' });
    expect([response.status, await response.json()]).toEqual([
      400,
      {
        error:
          'issues/2026-W47.yaml is a symbolic link, which builds do not read: replace it with the file itself, then try again',
      },
    ]);
    expect(readFileSync(elsewhere, 'utf8')).toBe('subject: Kept elsewhere\n');
    expect(lstatSync(issueFile).isSymbolicLink()).toBe(true);
    // Nor does the link make the preview build again and again (once the watcher has seen it).
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await pause(700);
    const version = (await state()).version;
    await pause(1500);
    expect((await state()).version).toBe(version);
  });

  it('still hears a hand edit of the file after the page has replaced it several times', async () => {
    // Each action replaces the file by a rename; Node 20's recursive fs.watch went deaf to the
    // folder after two of them, and the editor's own edits never reached the page.
    for (const file of [
      '2026-11-20-grid-storage-tender.md',
      '2026-11-19-indonesia-nickel.txt',
      '2026-11-16-lithium-refinery.md',
    ]) {
      expect((await steer({ action: 'pin', file })).status).toBe(200);
      // At an editor's pace: the watcher has settled before the next action.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    writeFileSync(issueFile, 'lead: 2026-11-16-lithium-refinery.md\nsubject: Written by hand\n');
    await vi.waitFor(async () => expect((await state()).manifest?.subject).toBe('Written by hand'), {
      timeout: 5000,
    });
  });

  it('hears the file written again right after its folder was deleted, every time', async () => {
    // A watcher can miss a folder deleted and made again at once (chokidar does, about one time
    // in two); the issue file is also looked at twice a second.
    for (let round = 0; round < 5; round++) {
      rmSync(join(source, 'issues'), { recursive: true, force: true });
      saveByHand(`subject: Round ${round}\n`);
      await vi.waitFor(async () => expect((await state()).manifest?.subject).toBe(`Round ${round}`), {
        timeout: 5000,
      });
    }
  });

  it('carries out actions one at a time: the second of two sent together is stale', async () => {
    const base = (await state()).issueFileVersion;
    const [first, second] = await Promise.all([
      post({ action: 'pin', file: '2026-11-20-grid-storage-tender.md', base }),
      post({ action: 'drop', file: '2026-11-17-antwerp-bonded-warehouse.txt', base }),
    ]);
    expect([first.status, second.status]).toEqual([200, 409]);
    expect(readFileSync(issueFile, 'utf8')).toBe('lead: 2026-11-20-grid-storage-tender.md\n');
  });

  it.each([
    ['from another origin', { 'content-type': 'application/json', origin: 'http://attacker.example' }, 403],
    ['as a form', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['as plain text', { 'content-type': 'text/plain' }, 415],
    ['as a look-alike of JSON', { 'content-type': 'application/jsonx' }, 415],
    ['from the same host over https', { 'content-type': 'application/json', origin: 'https://HOST' }, 403],
  ])('refuses an action sent %s (%i) and writes nothing', async (_, written, status) => {
    const base = (await state()).issueFileVersion;
    // HOST: the preview's own host and port.
    const headers = Object.fromEntries(
      Object.entries(written).map(([name, value]) => [
        name,
        value.replace('HOST', new URL(preview.url).host),
      ]),
    );
    const response = await post({ action: 'pin', file: '2026-11-16-lithium-refinery.md', base }, headers);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: string }).error).toMatch(/preview page$/);
    expect(existsSync(join(source, 'issues'))).toBe(false);
  });

  it.each([
    [
      { action: 'pin', file: '../../etc/passwd' },
      '"../../etc/passwd" is not a story of 2026-W47: reload the preview and pick one from its list',
    ],
    [
      { action: 'move', file: '2026-11-21-chile-copper.txt', value: 'up' },
      '"2026-11-21-chile-copper.txt" is already first',
    ],
    [
      { action: 'edit', field: 'subject', value: 'Week 47\nBcc: all@example.org' },
      'the subject must be one line: remove the line break or control character',
    ],
    [{ action: 'wipe' }, '"wipe" is not an action: use pin, unpin, move, drop, restore, edit'],
  ])('answers %j with 400 and one line, writing nothing', async (action, error) => {
    const response = await steer(action);
    expect([response.status, await response.json()]).toEqual([400, { error }]);
    expect(existsSync(join(source, 'issues'))).toBe(false);
  });

  /** The issue file as an editor saves it in their own editor. */
  function saveByHand(text: string): void {
    mkdirSync(join(source, 'issues'), { recursive: true });
    writeFileSync(issueFile, text);
  }
});

describe('steering the issue file from the preview, in an S3 prefix', () => {
  const BUCKET = 'steer-preview';
  let s3: LocalS3;
  let preview: Preview;
  const { state, steer, files } = client(() => preview);

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET]);
    for (const name of NEWEST_FIRST)
      await s3.put(BUCKET, `weekly/${name}`, readFileSync(join(ROOT, 'examples', 'briefings', name)));
    vi.stubEnv('AWS_ACCESS_KEY_ID', S3RVER_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', S3RVER_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const settings = resolveSettings(
      {
        source: `s3://${BUCKET}/weekly`,
        s3Endpoint: s3.endpoint,
        digest: temporaryFolder('preview-steer-s3-out-'),
        port: 0,
        week: '2026-W47',
        poll: 600,
      },
      {},
    );
    preview = await runPreview(settings, () => {});
  });

  afterAll(async () => {
    await preview?.stop();
    await s3?.close();
    vi.unstubAllEnvs();
  });

  const object = async (key: string) => {
    const response = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return { type: response.ContentType, text: await response.Body?.transformToString() };
  };

  it('puts issues/<issueId>.yaml under the prefix, and the next build follows it at once', async () => {
    const response = await steer({ action: 'pin', file: '2026-11-16-lithium-refinery.md' });
    expect(response.status).toBe(200);
    expect(await object(`weekly/${ISSUE}`)).toEqual({
      type: 'application/yaml; charset=utf-8',
      text: 'lead: 2026-11-16-lithium-refinery.md\n',
    });
    expect((await files())?.[0]).toBe('2026-11-16-lithium-refinery.md');

    expect(
      (await steer({ action: 'edit', field: 'preheader', value: 'Lithium ships; copper slips' })).status,
    ).toBe(200);
    expect((await object(`weekly/${ISSUE}`)).text).toBe(
      'lead: 2026-11-16-lithium-refinery.md\npreheader: Lithium ships; copper slips\n',
    );
    expect((await state()).manifest?.preheader).toBe('Lithium ships; copper slips');
  });

  it('makes each put conditional on the object it read, and turns a failed condition into a stale error', async () => {
    // Arrange: record what the store asks S3 for.
    const sent: Record<string, unknown>[] = [];
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand') sent.push(args.input as Record<string, unknown>);
        return next(args);
      },
      { step: 'initialize', name: 'recordPuts' },
    );
    try {
      const store = s3IssueFileStore({ bucket: BUCKET, prefix: 'conditional' }, s3.client);
      // Act
      const missing = await store.read(ISSUE);
      await store.write(ISSUE, 'lead: a.md\n', missing);
      const written = await store.read(ISSUE);
      await store.write(ISSUE, 'lead: b.md\n', written);
      // Assert
      expect(missing).toEqual({ bytes: null });
      expect(written.revision).toMatch(/^"[0-9a-f]{32}"$/);
      expect(sent.map(({ IfNoneMatch, IfMatch }) => ({ IfNoneMatch, IfMatch }))).toEqual([
        { IfNoneMatch: '*', IfMatch: undefined },
        { IfNoneMatch: undefined, IfMatch: written.revision },
      ]);
    } finally {
      s3.client.middlewareStack.remove('recordPuts');
    }
    // S3 answers 412 when the object is not the one read (s3rver never does): that is a stale file.
    const refusing = {
      send: async () => {
        throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
          name: 'PreconditionFailed',
        });
      },
    } as unknown as S3Client;
    await expect(
      s3IssueFileStore({ bucket: BUCKET, prefix: 'conditional' }, refusing).write(ISSUE, 'lead: c.md\n', {
        bytes: new Uint8Array(),
        revision: '"old"',
      }),
    ).rejects.toBeInstanceOf(StaleIssueFileError);
  });
});
