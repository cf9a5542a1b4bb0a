import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createS3Client,
  listS3Prefix,
  parseS3Url,
  readS3Prefix,
  s3Source,
} from '../../src/adapters/s3-source.js';
import { SourceError } from '../../src/core/errors.js';
import { buildDigest } from '../../src/core/render/build.js';
import { compileTemplates } from '../../src/core/render/render.js';
import { PreviewSession } from '../../src/preview/session.js';
import { resolveSettings } from '../../src/settings/settings.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { runDigest } from '../helpers/cli.js';
import { type LocalS3, S3RVER_CREDENTIALS, startLocalS3 } from '../helpers/s3rver.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

const BUCKET = 'newsroom';
let s3: LocalS3;

const briefing = (topic: string, detail: string) =>
  `Highlights\n- ${topic} exports rose sharply in October.\n- ${detail}\nTrade data published on Monday showed ${topic.toLowerCase()} shipments at a record.`;

beforeAll(async () => {
  s3 = await startLocalS3([BUCKET, 'empty-bucket']);
  await s3.put(
    BUCKET,
    'briefings/2026-11-17-tin.txt',
    briefing('Tin', 'Smelters in Yunnan restarted two furnaces.'),
  );
  await s3.put(
    BUCKET,
    'briefings/week47/2026-11-18-zinc.md',
    `---\ntitle: Zinc exports at a record\n---\n${briefing('Zinc', 'A Peruvian mine returned from a strike.')}`,
  );
  await s3.put(
    BUCKET,
    'briefings/2026-11-19-lead.json',
    JSON.stringify({ title: 'Lead smelter restarts', highlights: ['A smelter restarted after repairs.'] }),
  );
  await s3.put(
    BUCKET,
    'tricky/%2e%2e/2026-11-18 weird name ✓.txt',
    briefing('Tin', 'A key that looks like an encoded path.'),
  );
  // 900 characters of key (s3rver stores keys as file paths, so no single segment may pass 255).
  await s3.put(
    BUCKET,
    `tricky/${`${'very-long-folder-'.repeat(11)}/`.repeat(4)}${'x'.repeat(130)}.txt`,
    briefing('Lead', 'A key of nine hundred characters.'),
  );
  await s3.put(BUCKET, 'briefings/2026-11-19-big.txt', new Uint8Array(300 * 1024).fill(0x61));
  await s3.put(
    BUCKET,
    'other/2026-11-18-not-a-briefing.txt',
    briefing('Nickel', 'Indonesian output kept rising.'),
  );
});

afterAll(async () => {
  await s3?.close();
});

describe('readS3Prefix against a local S3 server', () => {
  it('lists every page under the prefix and reads each object', async () => {
    const files = await readS3Prefix(parseS3Url(`s3://${BUCKET}/briefings`) ?? { bucket: '', prefix: '' }, {
      maxBytes: 256 * 1024,
      pageSize: 2,
      client: s3.client,
    });
    expect(files.map((file) => file.name)).toEqual([
      '2026-11-17-tin.txt',
      '2026-11-19-big.txt',
      '2026-11-19-lead.json',
      'week47/2026-11-18-zinc.md',
    ]);
    const tin = files.find((file) => file.name === '2026-11-17-tin.txt');
    expect(new TextDecoder().decode(tin?.bytes)).toBe(
      briefing('Tin', 'Smelters in Yunnan restarted two furnaces.'),
    );
    expect(tin?.modified).toBeInstanceOf(Date);
  });

  it('lists an object over the size limit without downloading it', async () => {
    const files = await readS3Prefix(
      { bucket: BUCKET, prefix: 'briefings/' },
      { maxBytes: 256 * 1024, client: s3.client },
    );
    const big = files.find((file) => file.name === '2026-11-19-big.txt');
    expect(big).toMatchObject({ size: 300 * 1024 });
    expect(big?.bytes).toBeUndefined();
  });

  it('lists a prefix without downloading anything', async () => {
    const listed = await listS3Prefix(
      { bucket: BUCKET, prefix: 'briefings' },
      { maxBytes: 1024, client: s3.client },
    );
    expect(listed.map((file) => file.name)).toContain('week47/2026-11-18-zinc.md');
    for (const file of listed) expect(file.bytes).toBeUndefined();
  });

  it('explains a missing bucket', async () => {
    const reading = readS3Prefix(
      { bucket: 'no-such-bucket', prefix: '' },
      { maxBytes: 1024, client: s3.client },
    );
    await expect(reading).rejects.toThrow(SourceError);
    await expect(reading).rejects.toThrow(
      'cannot list s3://no-such-bucket/: the bucket does not exist: check the bucket name in --source',
    );
  });

  it('reads keys with encoded dots, spaces, symbols and 900 characters as plain names', async () => {
    const out = temporaryFolder();
    const run = await runDigest(['build', '--source', `s3://${BUCKET}/tricky`, '--all', '--out', out], {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    expect(run.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'));
    expect(manifest.skipped, JSON.stringify(manifest)).toEqual([]);
    expect(manifest.items, JSON.stringify(manifest) + run.stdout + run.stderr).toHaveLength(2);
    expect(manifest.items.map((item: { date: string }) => item.date)).toContain('2026-11-18T00:00:00.000Z');
  });

  it('honours the endpoint override for a local server', () => {
    expect(createS3Client('http://127.0.0.1:1').config.forcePathStyle).toBe(true);
  });
});

describe('a week built from a prefix that holds months of briefings', () => {
  it('downloads only the week and its slack, and counts the rest as outside the period', async () => {
    const weeks = 12;
    const perWeek = 7;
    const metals = ['Copper', 'Nickel', 'Cobalt', 'Lithium', 'Zinc', 'Tin', 'Gallium'];
    const places = [
      'Chile',
      'Peru',
      'Zambia',
      'Congo',
      'Quebec',
      'Nevada',
      'Sulawesi',
      'Kazakhstan',
      'Bolivia',
      'Ghana',
      'Norway',
      'Finland',
    ];
    for (let day = 0; day < weeks * perWeek; day++) {
      const date = new Date(Date.UTC(2026, 8, 7) + day * 86_400_000).toISOString().slice(0, 10);
      const moves = ['rose', 'fell', 'stalled', 'doubled', 'recovered', 'slipped', 'surged'];
      const text = `Highlights\n- ${metals[day % 7]} output in ${places[Math.floor(day / 7)]} ${moves[day % 7]}.\n- ${places[(day * 5) % 12]} traders noticed first.\nAnalysts expect revisions.`;
      await s3.put(BUCKET, `archive-years/${date}-story.txt`, text);
    }
    let downloads = 0;
    // Observes the real calls (nothing is changed): how many objects the build downloads.
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') downloads++;
        return next(args);
      },
      { step: 'initialize', name: 'countDownloads' },
    );
    try {
      const built = await buildDigest(
        s3Source({ bucket: BUCKET, prefix: 'archive-years/' }, { maxBytes: 256 * 1024, client: s3.client }),
        compileTemplates(bundledTemplateFiles()),
        {
          period: { kind: 'week', week: '2026-W43' },
          now: new Date('2026-12-31T00:00:00Z'),
          timeZone: 'UTC',
          maxBytes: 256 * 1024,
          publication: { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street, Harbour Town' },
          unsubscribeUrl: 'https://example.com/unsubscribe',
          archiveUrl: 'https://example.com/archive/{issueId}',
        },
      );
      expect(built.digest.items, JSON.stringify(built.digest.skipped)).toHaveLength(perWeek);
      expect(downloads).toBeLessThanOrEqual(2 * perWeek);
      expect(built.manifest.sources).toEqual({ listed: weeks * perWeek, read: downloads });
      expect(built.manifest.outsideThePeriod).toBe(weeks * perWeek - perWeek);
    } finally {
      s3.client.middlewareStack.remove('countDownloads');
    }
  });
});

describe('digest build --source s3://…', () => {
  it('builds from a local S3 prefix through AWS_ENDPOINT_URL_S3 and standard credentials', async () => {
    const out = temporaryFolder();
    const run = await runDigest(
      [
        'build',
        '--source',
        `s3://${BUCKET}/briefings`,
        '--week',
        '2026-W47',
        '--max-briefing-bytes',
        '262144',
        '--out',
        out,
      ],
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
    expect(manifest.items.map((item: { title: string }) => item.title)).toEqual([
      'Lead smelter restarts',
      'Zinc exports at a record',
      'Tin exports rose sharply in October',
    ]);
    expect(manifest.skipped).toEqual([
      { file: '2026-11-19-big.txt', reason: 'too large (300.0 KB; the limit is 256.0 KB): split or trim it' },
    ]);
    expect(existsSync(join(out, 'digest.html'))).toBe(true);
  });

  it('says what to do when the credentials are wrong', async () => {
    const run = await runDigest(
      [
        'build',
        '--source',
        `s3://${BUCKET}/briefings`,
        '--s3-endpoint',
        s3.endpoint,
        '--out',
        temporaryFolder(),
      ],
      {
        AWS_ACCESS_KEY_ID: 'WRONG',
        AWS_SECRET_ACCESS_KEY: 'WRONG',
        AWS_REGION: 'us-east-1',
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `digest: cannot list s3://${BUCKET}/briefings: access denied: check your AWS credentials, the region (AWS_REGION) and the IAM permissions for S3`,
    );
  });
});

describe('digest preview on an S3 prefix', () => {
  it('notices a new briefing by polling the listing, and rebuilds', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
    });
    const states: number[] = [];
    const session = new PreviewSession(
      resolveSettings({ source: `s3://${BUCKET}/polled`, week: '2026-W47' }, {}),
      (state) => states.push(state.manifest?.items.length ?? -1),
      {
        pollSeconds: 0.2,
      },
    );
    await s3.put(
      BUCKET,
      'polled/2026-11-17-tin.txt',
      briefing('Tin', 'Smelters in Yunnan restarted two furnaces.'),
    );
    await session.start();
    try {
      expect(states).toEqual([1]);
      await s3.put(
        BUCKET,
        'polled/2026-11-18-zinc.txt',
        briefing('Zinc', 'A Peruvian mine returned from a strike.'),
      );
      await vi.waitFor(() => expect(states.at(-1)).toBe(2), { timeout: 5000, interval: 100 });
      // An unchanged listing does not rebuild.
      const builds = states.length;
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(states).toHaveLength(builds);
    } finally {
      session.stop();
    }
  });
});
