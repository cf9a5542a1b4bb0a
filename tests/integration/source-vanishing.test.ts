import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSource } from '../../src/adapters/fs-source.js';
import { s3Source } from '../../src/adapters/s3-source.js';
import { buildDigest } from '../../src/core/render/build.js';
import { compileTemplates } from '../../src/core/render/render.js';
import type { BriefingSource } from '../../src/core/types.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { WEEK_47_SETTINGS } from '../helpers/build-settings.js';
import { ROOT } from '../helpers/cli.js';
import { type LocalS3, startLocalS3 } from '../helpers/s3rver.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

// Editors save by renaming and tidy up by deleting: a briefing can go between the listing and
// the read. The build accounts for it and goes on; it does not fail the week.
const GONE = '2026-11-19-indonesia-nickel.txt';
const REASON = 'deleted or renamed while the build was reading: build again to include it';
const templates = compileTemplates(bundledTemplateFiles());

/** The source as it is, except that `vanish` runs right after the listing (a real delete). */
function vanishingAfterListing(source: BriefingSource, vanish: () => Promise<void>): BriefingSource {
  return {
    list: async () => {
      const listed = await source.list();
      await vanish();
      return listed;
    },
    read: (files) => source.read(files),
  };
}

describe('a briefing that vanishes between the listing and the read', () => {
  let s3: LocalS3;
  beforeAll(async () => {
    s3 = await startLocalS3(['vanishing']);
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('is skipped with its reason from a folder, and the rest of the week is built', async () => {
    const folder = temporaryFolder('vanishing-');
    cpSync(join(ROOT, 'examples', 'briefings'), folder, { recursive: true });
    const source = vanishingAfterListing(folderSource(folder, { maxBytes: 1e6 }), async () =>
      rmSync(join(folder, GONE)),
    );
    const result = await buildDigest(source, templates, { ...WEEK_47_SETTINGS, maxBytes: 1e6 });
    expect(result.digest.skipped).toContainEqual({ file: GONE, reason: REASON });
    expect(result.digest.items.map((item) => item.file)).not.toContain(GONE);
    expect(result.digest.items.length).toBeGreaterThan(3);
  });

  it('is skipped with its reason from an S3 prefix', async () => {
    const folder = join(ROOT, 'examples', 'briefings');
    for (const name of readdirSync(folder).filter((name) => name.startsWith('2026-')))
      await s3.put('vanishing', `briefings/${name}`, readFileSync(join(folder, name)));
    const source = vanishingAfterListing(
      s3Source({ bucket: 'vanishing', prefix: 'briefings/' }, { maxBytes: 1e6, client: s3.client }),
      async () => {
        await s3.client.send(new DeleteObjectCommand({ Bucket: 'vanishing', Key: `briefings/${GONE}` }));
      },
    );
    const result = await buildDigest(source, templates, { ...WEEK_47_SETTINGS, maxBytes: 1e6 });
    expect(result.digest.skipped).toContainEqual({ file: GONE, reason: REASON });
    expect(result.digest.items.length).toBeGreaterThan(3);
  });
});
