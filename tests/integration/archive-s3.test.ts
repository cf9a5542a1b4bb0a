import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueArchive } from '../../functions/commons/archive.js';
import { publishToS3Archive, s3Archive } from '../../src/adapters/archive-s3.js';
import type { ArchivedIssue, ArchiveIndexError } from '../../src/core/delivery/archive.js';
import type { BuildSettings } from '../../src/core/render/build.js';
import { compileTemplates } from '../../src/core/render/render.js';
import { PLACEHOLDER_PATTERN } from '../../src/core/render/view.js';
import { filesSource } from '../../src/core/types.js';
import { buildIssue } from '../../src/workflows/build-issue.js';
import { sourceFile } from '../helpers/briefings.js';
import { WEEK_47_SETTINGS } from '../helpers/build-settings.js';
import { MemoryIssues } from '../helpers/issues.js';
import { type LocalS3, startLocalS3 } from '../helpers/s3rver.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

let s3: LocalS3;
let bucketCount = 0;

/** A fresh bucket for each test, so that each starts with no index. */
async function freshBucket(): Promise<string> {
  const bucket = `archive-test-${++bucketCount}`;
  await s3.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

const issue = (issueId: string, publishedAt: string): ArchivedIssue => ({
  issueId,
  subject: `Subject of ${issueId}`,
  preheader: `Preheader of ${issueId}`,
  publishedAt,
});
const W46 = issue('2026-W46', '2026-11-16T08:00:00.000Z');
const W47 = issue('2026-W47', '2026-11-23T08:00:00.000Z');

async function objectText(bucket: string, key: string): Promise<{ text: string; etag: string | undefined }> {
  const response = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { text: (await response.Body?.transformToString()) ?? '', etag: response.ETag };
}

const problems = () => {
  const seen: ArchiveIndexError[] = [];
  return { seen, onIndexProblem: (problem: ArchiveIndexError) => seen.push(problem) };
};

beforeAll(async () => {
  s3 = await startLocalS3([]);
});

afterAll(async () => {
  await s3?.close();
});

describe('the archive index in a bucket (s3rver)', () => {
  it('creates archive/index.json with the first issue, then adds the next, newest first', async () => {
    const bucket = await freshBucket();
    const location = { bucket, prefix: 'archive/' };

    expect(await publishToS3Archive(s3.client, location, W46)).toBe('published');
    expect(await publishToS3Archive(s3.client, location, W47)).toBe('published');

    const { text } = await objectText(bucket, 'archive/index.json');
    expect(JSON.parse(text)).toEqual({ issues: [W47, W46] });
  });

  it('leaves the index untouched when the issue is in it already', async () => {
    const bucket = await freshBucket();
    const location = { bucket, prefix: 'archive/' };
    await publishToS3Archive(s3.client, location, W47);
    const before = await objectText(bucket, 'archive/index.json');
    const put = vi.spyOn(s3.client, 'send');

    const again = await publishToS3Archive(s3.client, location, {
      ...W47,
      publishedAt: '2026-11-30T08:00:00.000Z',
    });

    expect(again).toBe('already-published');
    expect(put.mock.calls.filter(([command]) => command instanceof PutObjectCommand)).toEqual([]);
    put.mockRestore();
    expect(await objectText(bucket, 'archive/index.json')).toEqual(before);
  });

  it('is what the build function’s archive publishes through', async () => {
    const bucket = await freshBucket();

    expect(await issueArchive(s3.client, bucket, 'archive/').publish(W47)).toBe('published');

    expect(JSON.parse((await objectText(bucket, 'archive/index.json')).text)).toEqual({ issues: [W47] });
  });

  it('refuses to write over a corrupt index and leaves it as it was', async () => {
    const bucket = await freshBucket();
    await s3.put(bucket, 'archive/index.json', 'not json');

    await expect(publishToS3Archive(s3.client, { bucket, prefix: 'archive/' }, W47)).rejects.toMatchObject({
      name: 'ArchiveIndexError',
      reason: 'corrupt',
    });

    expect((await objectText(bucket, 'archive/index.json')).text).toBe('not json');
  });
});

describe('reading the archive from a bucket (s3rver)', () => {
  it('lists the issues newest first and serves each one’s HTML', async () => {
    const bucket = await freshBucket();
    const location = { bucket, prefix: 'archive/' };
    await publishToS3Archive(s3.client, location, W46);
    await publishToS3Archive(s3.client, location, W47);
    await s3.put(bucket, 'archive/2026-W47/digest.html', '<p>week 47</p>');
    const { seen, onIndexProblem } = problems();
    const archive = s3Archive(s3.client, location, { onIndexProblem });

    expect(await archive.issues()).toEqual([W47, W46]);
    expect(await archive.html('2026-W47')).toBe('<p>week 47</p>');
    expect(await archive.html('2026-W46')).toBeUndefined();
    expect(seen).toEqual([]);
  });

  it.each(['..', '.', '../briefings/x', 'a/b', '', '.hidden', 'x'.repeat(65), '2026-W47?x=1'])(
    'never asks S3 for the issue id %j',
    async (issueId) => {
      const archive = s3Archive(s3.client, { bucket: 'any-bucket', prefix: 'archive/' });
      const send = vi.spyOn(s3.client, 'send');

      expect(await archive.html(issueId)).toBeUndefined();

      expect(send).not.toHaveBeenCalled();
      send.mockRestore();
    },
  );

  it('reads a missing index as an empty archive and says it is missing', async () => {
    const bucket = await freshBucket();
    const { seen, onIndexProblem } = problems();

    expect(await s3Archive(s3.client, { bucket, prefix: 'archive/' }, { onIndexProblem }).issues()).toEqual(
      [],
    );

    expect(seen.map((problem) => problem.reason)).toEqual(['missing']);
    expect(seen[0]?.message).toBe(
      `s3://${bucket}/archive/index.json does not exist: nothing is archived yet`,
    );
  });

  it('reads a corrupt index as an empty archive and says why', async () => {
    const bucket = await freshBucket();
    await s3.put(bucket, 'archive/index.json', '{"issues": {}}');
    const { seen, onIndexProblem } = problems();

    expect(await s3Archive(s3.client, { bucket, prefix: 'archive/' }, { onIndexProblem }).issues()).toEqual(
      [],
    );

    expect(seen.map((problem) => problem.reason)).toEqual(['corrupt']);
    expect(seen[0]?.message).toMatch(
      /archive\/index\.json is not an archive index \(it has no "issues" list\)/,
    );
  });
});

/**
 * What s3rver cannot show: it ignores If-Match and If-None-Match, and never answers AccessDenied.
 * A small in-memory bucket that honours both conditions, as S3 does, stands in.
 */
function conditionalBucket(options: { readable: boolean; beforeWrite?: () => void }) {
  const objects = new Map<string, { body: string; etag: string }>();
  let version = 0;
  const failure = (name: string) => Object.assign(new Error(name), { name });
  const client = {
    send: async (command: GetObjectCommand | PutObjectCommand) => {
      const { Key = '' } = command.input;
      const stored = objects.get(Key);
      if (command instanceof GetObjectCommand) {
        if (!options.readable) throw failure('AccessDenied');
        if (!stored) throw failure('NoSuchKey');
        return { ETag: stored.etag, Body: { transformToString: async () => stored.body } };
      }
      options.beforeWrite?.();
      const current = objects.get(Key);
      const { IfMatch, IfNoneMatch } = command.input;
      if ((IfNoneMatch === '*' && current) || (IfMatch !== undefined && current?.etag !== IfMatch))
        throw failure('PreconditionFailed');
      objects.set(Key, { body: String(command.input.Body), etag: `"v${++version}"` });
      return {};
    },
  };
  return { client: client as unknown as S3Client, objects };
}

describe('writing the index on S3’s conditions', () => {
  const location = { bucket: 'content', prefix: 'archive/' };
  const entries = (body: string | undefined) =>
    (JSON.parse(body ?? '{}') as { issues: ArchivedIssue[] }).issues.map((entry) => entry.issueId);

  it('loses neither issue when another build writes the index between its read and its write', async () => {
    let other = true;
    const bucket = conditionalBucket({
      readable: true,
      // Just before this build's first write, another build adds its issue.
      beforeWrite: () => {
        if (!other) return;
        other = false;
        bucket.objects.set('archive/index.json', {
          body: JSON.stringify({ issues: [W46] }),
          etag: '"other"',
        });
      },
    });

    expect(await publishToS3Archive(bucket.client, location, W47)).toBe('published');

    expect(entries(bucket.objects.get('archive/index.json')?.body)).toEqual(['2026-W47', '2026-W46']);
  });

  it('creates the first index when S3 answers AccessDenied for it, as it does to a role that may not list the bucket', async () => {
    const bucket = conditionalBucket({ readable: false });

    expect(await publishToS3Archive(bucket.client, location, W47)).toBe('published');

    expect(entries(bucket.objects.get('archive/index.json')?.body)).toEqual(['2026-W47']);
  });

  it('never writes over an index it cannot read, and says what permission is missing', async () => {
    const bucket = conditionalBucket({ readable: false });
    bucket.objects.set('archive/index.json', { body: JSON.stringify({ issues: [W46] }), etag: '"v0"' });

    await expect(publishToS3Archive(bucket.client, location, W47)).rejects.toThrow(
      /archive\/index\.json could not be read \(AccessDenied\): give this function s3:GetObject on it/,
    );

    expect(entries(bucket.objects.get('archive/index.json')?.body)).toEqual(['2026-W46']);
  });
});

describe('an issue two builds archived at once (s3rver)', () => {
  // Two runs of one week at once (the schedule and a retry: both at-least-once) each write every
  // file of the issue; their PutObjects can land in any order. Each build has its own markers.
  const templates = compileTemplates(bundledTemplateFiles());
  const briefings = filesSource([
    sourceFile(
      '2026-11-18-tin.md',
      '---\ntitle: Tin smelter restarts\nsource: Metals Desk\n---\n## Highlights\n- A smelter near Oruro restarted.\n',
    ),
  ]);
  const settings: BuildSettings = WEEK_47_SETTINGS;
  /** The files the build function archives for one build (its own `buildIssue` port, recorded). */
  async function archivedBuild(): Promise<Record<string, string>> {
    let written: Record<string, string> = {};
    await buildIssue(
      { week: '2026-W47' },
      { ...settings, approval: { policy: { kind: 'none' }, editors: [] } },
      {
        briefings,
        templates,
        archive: async (_issueId, files) => {
          written = files;
        },
        notifyEditors: async () => {},
        issues: new MemoryIssues(),
        publish: async () => 'published',
        activeRecipients: async function* () {},
        enqueue: async () => ({ recipients: 0, batches: 0 }),
      },
    );
    return written;
  }
  const link = (issueId: string) => `https://metals.example/archive/${issueId}`;

  it('sends one build whole, whichever build’s digest.json and message.html landed last', async () => {
    const bucket = await freshBucket();
    const archive = issueArchive(s3.client, bucket, 'archive/');
    const [first, second] = [await archivedBuild(), await archivedBuild()];
    await archive.write('2026-W47', first);
    // The second build's manifest lands after the first build's message: the loose files mix.
    await archive.write('2026-W47', { 'digest.json': second['digest.json'] ?? '' });
    const issue = await archive.issue('2026-W47', link);
    const markers = issue.template.html.match(PLACEHOLDER_PATTERN) ?? [];
    expect(markers.length).toBeGreaterThan(0);
    expect(new Set(markers)).toEqual(
      new Set([issue.template.placeholders.unsubscribeUrl, issue.template.placeholders.viewInBrowserUrl]),
    );
    expect(issue.template.html).toBe(first['message.html']);
  });

  it('refuses, in one line, loose files of two builds in an issue archived before message.json', async () => {
    const bucket = await freshBucket();
    const archive = issueArchive(s3.client, bucket, 'archive/');
    const [first, second] = [await archivedBuild(), await archivedBuild()];
    const { 'message.json': _whole, ...loose } = first;
    await archive.write('2026-W47', { ...loose, 'digest.json': second['digest.json'] ?? '' });
    await expect(archive.issue('2026-W47', link)).rejects.toThrow(
      'digest 2026-W47 in archive/2026-W47 mixes files of two builds (its message has a marker its digest.json does not name): build it again before sending',
    );
  });
});
