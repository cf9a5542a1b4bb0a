import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { folderSource } from '../../src/adapters/fs-source.js';
import { resolvePeriod } from '../../src/core/digest/period.js';
import { DEFAULT_DATE_SLACK_DAYS, listedDate, planReading } from '../../src/core/digest/prefilter.js';
import { selectBriefings } from '../../src/core/digest/select.js';
import { readBriefing } from '../../src/core/ingest/briefing.js';
import { buildDigest } from '../../src/core/render/build.js';
import { compileTemplates } from '../../src/core/render/render.js';
import type { SourceFile } from '../../src/core/types.js';
import { sourceFile, temporaryFolder } from '../helpers/briefings.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

const DAY = 86_400_000;
const templates = compileTemplates(bundledTemplateFiles());
const now = new Date('2026-12-31T12:00:00Z');
const settings = {
  now,
  timeZone: 'UTC',
  maxBytes: 64 * 1024,
  publication: { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street, Harbour Town' },
  unsubscribeUrl: 'https://example.com/unsubscribe',
  archiveUrl: 'https://example.com/archive/{issueId}',
};
const iso = (date: Date) => date.toISOString().slice(0, 10);

/**
 * One briefing as an archive holds it: named by a date (or not, then dated by its modified time),
 * maybe redated by front matter within the slack (the documented contract), a few days either way.
 */
const archivedBriefing = (days: number) =>
  fc
    .record({
      day: fc.integer({ min: 0, max: days }),
      layout: fc.constantFrom('name', 'folders', 'undated'),
      redate: fc.option(fc.integer({ min: -DEFAULT_DATE_SLACK_DAYS, max: DEFAULT_DATE_SLACK_DAYS }), {
        nil: undefined,
      }),
      topic: fc.integer({ min: 0, max: 1_000_000 }),
    })
    .map(({ day, layout, redate, topic }): SourceFile => {
      const listed = new Date(Date.UTC(2026, 5, 1) + day * DAY);
      const name =
        layout === 'name'
          ? `${iso(listed)}-story-${topic}.md`
          : layout === 'folders'
            ? `${iso(listed).replaceAll('-', '/')}/story-${topic}.md`
            : `story-${topic}.md`;
      const frontMatter =
        redate === undefined ? '' : `---\ndate: ${iso(new Date(listed.getTime() + redate * DAY))}\n---\n`;
      const text = `${frontMatter}## Highlights\n- Story ${topic} about smelter number ${topic} and its output.\n`;
      return sourceFile(name, text, listed);
    });

describe('reading only what can be in the period', () => {
  it('never leaves out a briefing that belongs to the period, whatever its key, front matter or slack', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(archivedBriefing(200), { minLength: 1, maxLength: 40, selector: (file) => file.name }),
        fc.integer({ min: 23, max: 51 }),
        async (files, weekNumber) => {
          const request = { kind: 'week', week: `2026-W${weekNumber}` } as const;
          // What reading every file would give: the oracle the prefilter must match.
          const period = resolvePeriod(request, { now, timeZone: 'UTC', dates: [] });
          const everything = files.flatMap((file) => {
            const read = readBriefing(file, settings);
            return read.ok ? [read.briefing] : [];
          });
          const expected = selectBriefings(everything, period)
            .briefings.map((briefing) => briefing.file)
            .sort();
          const built = await buildDigest(files, templates, { ...settings, period: request });
          expect(built.digest.items.map((item) => item.file).sort()).toEqual(expected);
          expect(built.manifest.sources.read + built.outsideThePeriod.length).toBeGreaterThanOrEqual(
            files.length,
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never leaves out a briefing of the period when the files are in a folder, listed without looking at dated ones', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Six weeks of files from 1 June (week 23), so that most weeks asked for have briefings.
        fc.uniqueArray(archivedBriefing(41), { minLength: 10, maxLength: 25, selector: (file) => file.name }),
        fc.integer({ min: 23, max: 28 }),
        async (files, weekNumber) => {
          const folder = temporaryFolder('prefilter-');
          try {
            for (const file of files) {
              const path = join(folder, file.name);
              mkdirSync(dirname(path), { recursive: true });
              writeFileSync(path, file.bytes ?? '');
              utimesSync(path, file.modified, file.modified);
            }
            const request = { kind: 'week', week: `2026-W${weekNumber}` } as const;
            const fromMemory = await buildDigest(files, templates, { ...settings, period: request });
            const fromFolder = await buildDigest(
              folderSource(folder, { maxBytes: settings.maxBytes }),
              templates,
              { ...settings, period: request },
            );
            expect(fromFolder.digest.items.map((item) => [item.file, item.date])).toEqual(
              fromMemory.digest.items.map((item) => [item.file, item.date]),
            );
          } finally {
            rmSync(folder, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 15 },
    );
  });

  it('lists a folder without looking at files whose name carries a date, and reads them whole', async () => {
    const folder = temporaryFolder('listing-');
    try {
      mkdirSync(join(folder, '2026', '11', '18'), { recursive: true });
      writeFileSync(join(folder, '2026-11-18-copper.md'), 'copper');
      writeFileSync(join(folder, '2026', '11', '18', 'zinc.md'), 'zinc');
      writeFileSync(join(folder, '2026-11-19-huge.md'), 'x'.repeat(200));
      writeFileSync(join(folder, 'undated.md'), 'tin');
      const source = folderSource(folder, { maxBytes: 100 });
      const listed = await source.list();
      expect(listed).toEqual([
        { name: '2026-11-18-copper.md' },
        { name: '2026-11-19-huge.md' },
        { name: '2026/11/18/zinc.md' },
        { name: 'undated.md', size: 3, modified: expect.any(Date) },
      ]);
      const read = new Map<string, SourceFile>();
      for await (const file of source.read(listed)) read.set(file.name, file);
      expect(new TextDecoder().decode(read.get('2026-11-18-copper.md')?.bytes)).toBe('copper');
      expect(read.get('2026-11-18-copper.md')).toMatchObject({ size: 6, modified: expect.any(Date) });
      // Over the limit: its size is found when it is read, and its content is left alone.
      expect(read.get('2026-11-19-huge.md')?.size).toBe(200);
      expect(read.get('2026-11-19-huge.md')?.bytes).toBeUndefined();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('reads the week and its slack, and counts the rest without reading it', () => {
    const listed = Array.from({ length: 140 }, (_, day) =>
      sourceFile(`${iso(new Date(Date.UTC(2026, 6, 1) + day * DAY))}-x.md`, 'x'),
    );
    const plan = planReading(listed, { kind: 'week', week: '2026-W40' }, { now, timeZone: 'UTC' });
    expect(plan.candidates).toHaveLength(7 + 2 * DEFAULT_DATE_SLACK_DAYS);
    expect(plan.outside).toHaveLength(140 - plan.candidates.length);
    expect(planReading(listed, { kind: 'all' }, { now, timeZone: 'UTC' }).candidates).toHaveLength(140);
  });

  it('dates a listed file by its name, then by date folders, then by its modified time', () => {
    const modified = new Date('2026-03-03T10:00:00Z');
    expect(listedDate(sourceFile('2026-11-18-copper.md', '', modified), 'UTC')).toEqual(
      new Date('2026-11-18T00:00:00Z'),
    );
    expect(listedDate(sourceFile('2026/11/18/copper.md', '', modified), 'UTC')).toEqual(
      new Date('2026-11-18T00:00:00Z'),
    );
    expect(listedDate(sourceFile('copper.md', '', modified), 'UTC')).toEqual(modified);
  });

  it('finds the latest week from the listing, and reads only around it', () => {
    const listed = [...Array(60).keys()].map((day) =>
      sourceFile(`${iso(new Date(Date.UTC(2026, 9, 1) + day * DAY))}-x.md`, 'x'),
    );
    const plan = planReading(
      listed,
      { kind: 'latest' },
      { now: new Date('2026-11-25T00:00:00Z'), timeZone: 'UTC' },
    );
    // The newest week with a briefing on or before now is W48 (23–29 November).
    const names = plan.candidates.map((file) => file.name);
    expect(names).toContain('2026-11-25-x.md');
    expect(names).toContain('2026-11-23-x.md');
    expect(names).not.toContain('2026-11-19-x.md');
    expect(plan.candidates.length).toBeLessThanOrEqual(7 + 2 * DEFAULT_DATE_SLACK_DAYS);
  });
});
