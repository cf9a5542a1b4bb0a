import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { folderSource } from '../src/adapters/fs-source.js';
import { s3Source } from '../src/adapters/s3-source.js';
import { buildDigest } from '../src/core/render/build.js';
import type { CompiledTemplates } from '../src/core/render/render.js';
import { startLocalS3 } from '../tests/helpers/s3rver.js';
import { BUILD_SETTINGS as SETTINGS } from './build-bench.js';
import { generateArchive } from './generate.js';
import { median, timed } from './measure.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const WEEKS = 20;
const PER_WEEK = 50;

/**
 * A week built from a folder (and an S3 prefix) that also holds 19 other weeks, against the same
 * week alone: time, lines printed, manifest size, and objects downloaded from S3.
 */
export async function benchArchive(work: string, templates: CompiledTemplates) {
  const archive = generateArchive(join(work, 'archive'), WEEKS, PER_WEEK);
  const alone = join(work, 'week-alone');
  mkdirSync(alone, { recursive: true });
  for (const name of archive.lastWeek) copyFileSync(join(archive.folder, name), join(alone, name));

  const buildFrom = (folder: string) =>
    buildDigest(folderSource(folder, { maxBytes: SETTINGS.maxBytes }), templates, SETTINGS);
  await buildFrom(alone);
  const weekMs: number[] = [];
  const archiveMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    weekMs.push((await timed(() => buildFrom(alone))).ms);
    archiveMs.push((await timed(() => buildFrom(archive.folder))).ms);
  }

  const out = join(work, 'archive-out');
  const cli = await run(
    process.execPath,
    [join(ROOT, 'bin', 'digest.js'), 'build', '--source', archive.folder, '--week', '2026-W47', '--out', out],
    {
      cwd: ROOT,
    },
  );

  const s3 = await startLocalS3(['archive']);
  try {
    for (const name of readdirSync(archive.folder))
      await s3.put('archive', `briefings/${name}`, readFileSync(join(archive.folder, name)));
    let downloads = 0;
    s3.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'GetObjectCommand') downloads++;
        return next(args);
      },
      { step: 'initialize', name: 'countDownloads' },
    );
    const fromS3 = await timed(() =>
      buildDigest(
        s3Source(
          { bucket: 'archive', prefix: 'briefings/' },
          { maxBytes: SETTINGS.maxBytes, client: s3.client },
        ),
        templates,
        SETTINGS,
      ),
    );
    return {
      weeks: WEEKS,
      perWeek: PER_WEEK,
      weekAloneMs: median(weekMs),
      withArchiveMs: median(archiveMs),
      ratio: median(archiveMs) / median(weekMs),
      outputLines: cli.stdout.trimEnd().split('\n').length,
      manifestBytes: statSync(join(out, 'digest.json')).size,
      s3: {
        objects: WEEKS * PER_WEEK,
        downloads,
        weekBriefings: PER_WEEK,
        ms: fromS3.ms,
        items: fromS3.value.digest.items.length,
      },
    };
  } finally {
    await s3.close();
  }
}

/** `digest --help` (the compiled CLI) against a bare `node -e 0`, medians of 10 runs each. */
export async function benchCliStartup() {
  const time = async (args: string[]) => {
    const samples: number[] = [];
    for (let round = 0; round < 10; round++)
      samples.push((await timed(() => run(process.execPath, args, { cwd: ROOT }))).ms);
    return median(samples);
  };
  const bareMs = await time(['-e', '0']);
  const helpMs = await time([join(ROOT, 'bin', 'digest.js'), '--help']);
  return { helpMs, bareMs, ratio: helpMs / bareMs };
}
