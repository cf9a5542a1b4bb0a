import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { folderSource, readFolder } from '../src/adapters/fs-source.js';
import { loadTemplates } from '../src/adapters/templates-fs.js';
import { buildDigest } from '../src/core/render/build.js';
import { compileTemplates, renderWithCollapsed } from '../src/core/render/render.js';
import { generateBriefings } from './generate.js';
import { median, timed } from './measure.js';

/** The build settings every build benchmark uses: week 2026-W47 of generated metals briefings. */
export const BUILD_SETTINGS = {
  period: { kind: 'week', week: '2026-W47' } as const,
  now: new Date('2026-11-23T08:00:00Z'),
  timeZone: 'UTC',
  maxBytes: 2 * 1024 * 1024,
  publication: { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street, Harbour Town' },
  unsubscribeUrl: 'https://example.com/unsubscribe',
  archiveUrl: 'https://example.com/archive/{issueId}',
};

export interface BuildFigure {
  briefings: number;
  buildMs: number;
  baselineMs: number;
  ratio: number;
  items: number;
  mjmlRenders: number;
}

/**
 * Build time for N generated briefings (read, parse, clean, select, summarize, render), against a
 * baseline measured in the same run: reading the same files plus one MJML render of the final digest.
 */
export async function benchBuild(workFolder: string, sizes: number[]): Promise<BuildFigure[]> {
  const templates = compileTemplates(await loadTemplates());
  // Warm up: MJML loads on first use, and the JIT needs a round.
  const warm = generateBriefings(join(workFolder, 'warm'), 20);
  for (let round = 0; round < 3; round++)
    await buildDigest(
      await readFolder(warm, { maxBytes: BUILD_SETTINGS.maxBytes }),
      templates,
      BUILD_SETTINGS,
    );

  const figures: BuildFigure[] = [];
  for (const size of sizes) {
    const folder = generateBriefings(join(workFolder, `build-${size}`), size);
    const rounds = size >= 5000 ? 2 : size >= 1000 ? 3 : 5;
    const builds: number[] = [];
    const baselines: number[] = [];
    let items = 0;
    let renders = 0;
    for (let round = 0; round < rounds; round++) {
      const build = await timed(async () =>
        buildDigest(folderSource(folder, { maxBytes: BUILD_SETTINGS.maxBytes }), templates, BUILD_SETTINGS),
      );
      builds.push(build.ms);
      items = build.value.digest.items.length;
      renders = build.value.output?.mjmlRenders ?? 0;
      // The baseline renders the final digest once: its title-only items (past maxItems, or cut
      // for the clip limit) stay title-only.
      const finalDigest = build.value.digest;
      const baseline = await timed(async () => {
        await readFolder(folder, { maxBytes: BUILD_SETTINGS.maxBytes });
        return renderWithCollapsed(
          finalDigest,
          templates,
          BUILD_SETTINGS.publication,
          build.value.manifest.collapsedItems.length + build.value.manifest.beyondMaxItems.length,
        );
      });
      baselines.push(baseline.ms);
    }
    const buildMs = median(builds);
    const baselineMs = median(baselines);
    figures.push({
      briefings: size,
      buildMs,
      baselineMs,
      ratio: buildMs / baselineMs,
      items,
      mjmlRenders: renders,
    });
  }
  return figures;
}

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');

/**
 * `digest build` as a user runs it (a new process, the compiled CLI) on N briefings, against its
 * floor: a new process that loads the renderer, reads the same files and renders once.
 */
export async function benchCliBuild(workFolder: string, size: number) {
  const folder = generateBriefings(join(workFolder, `cli-${size}`), size);
  const templates = compileTemplates(await loadTemplates());
  const built = await buildDigest(
    folderSource(folder, { maxBytes: BUILD_SETTINGS.maxBytes }),
    templates,
    BUILD_SETTINGS,
  );
  const digestFile = join(workFolder, `cli-${size}-digest.json`);
  writeFileSync(digestFile, JSON.stringify(built.digest));
  const time = async (args: string[]) => {
    const samples: number[] = [];
    for (let round = 0; round < 3; round++)
      samples.push((await timed(() => run(process.execPath, args, { cwd: ROOT }))).ms);
    return median(samples);
  };
  const cliMs = await time([
    join(ROOT, 'bin', 'digest.js'),
    'build',
    '--source',
    folder,
    '--week',
    '2026-W47',
    '--now',
    BUILD_SETTINGS.now.toISOString(),
    '--out',
    join(workFolder, `cli-${size}-out`),
  ]);
  const floorMs = await time([
    join(ROOT, 'bench', 'floor.mjs'),
    folder,
    digestFile,
    String(built.manifest.collapsedItems.length + built.manifest.beyondMaxItems.length),
  ]);
  return { briefings: size, cliMs, floorMs, ratio: cliMs / floorMs };
}
