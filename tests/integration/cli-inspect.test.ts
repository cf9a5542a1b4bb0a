import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDigest, SHARED_BRIEFINGS } from '../helpers/cli.js';

interface Inspected {
  file: string;
  ok: boolean;
  title?: string;
  titleOrigin?: string;
  date?: string;
  dateOrigin?: string;
  source?: string | null;
  highlights?: string[];
  summary?: string;
  note?: string | null;
  paragraphs?: string[];
  repairs?: { kind: string; count: number }[];
  reason?: string;
}

const inspect = async (...paths: string[]) => {
  const run = await runDigest(['inspect', '--json', ...paths]);
  return { ...run, briefings: run.code === 0 ? (JSON.parse(run.stdout) as Inspected[]) : [] };
};
const MOJIBAKE = /โ|ย|Ã|â€|[\u0080-\u009f]/u;

describe('digest inspect', () => {
  it('shows every example briefing as it reads after cleaning, with what was repaired', async () => {
    const { code, stderr, briefings } = await inspect('examples/briefings');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(briefings.map((briefing) => briefing.file)).toContain(
      'examples/briefings/2026-11-21-chile-copper.txt',
    );
    expect(briefings).toHaveLength(7);
    for (const briefing of briefings) {
      expect(briefing.ok).toBe(true);
      expect(Object.keys(briefing)).toEqual(
        expect.arrayContaining([
          'title',
          'date',
          'dateOrigin',
          'source',
          'url',
          'tags',
          'highlights',
          'summary',
          'note',
          'paragraphs',
          'repairs',
        ]),
      );
      expect(JSON.stringify(briefing)).not.toMatch(MOJIBAKE);
    }
    const chile = briefings.find((briefing) => briefing.file.endsWith('/2026-11-21-chile-copper.txt'));
    expect(chile?.title).toBe('Chile’s copper output slips as ore grades decline');
    expect(chile?.repairs?.map((repair) => repair.kind)).toContain('utf8-as-windows-874');
    const extracted = briefings.find((briefing) => briefing.summary === 'extracted');
    expect(extracted?.highlights?.length).toBeGreaterThanOrEqual(2);
  });

  it('prints a readable text view by default', async () => {
    const run = await runDigest(['inspect', 'examples/briefings/2026-11-21-chile-copper.txt']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('title:    Chile’s copper output slips as ore grades decline');
    expect(run.stdout).toMatch(/repaired: .*utf8-as-windows-874 ×\d/);
  });

  it('reports a file it cannot use with its reason, in the same list', async () => {
    const { code, briefings } = await inspect('package.json');
    expect(code).toBe(0);
    expect(briefings).toEqual([
      {
        file: 'package.json',
        ok: false,
        reason: 'no usable text after cleaning: add highlights or body text',
      },
    ]);
  });

  it('stops with one line when a path does not exist', async () => {
    const run = await runDigest(['inspect', 'examples/briefings', 'no/such/folder']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe('digest: no/such/folder: no such file or folder: check the path');
  });
});

describe.skipIf(!existsSync(SHARED_BRIEFINGS))(
  'digest inspect on the real briefings in ../shared/briefings',
  () => {
    it('reads both cleanly, titled by their lead, and names the repairs', async () => {
      const { code, briefings } = await inspect(SHARED_BRIEFINGS);
      expect(code).toBe(0);
      expect(briefings).toHaveLength(2);
      for (const briefing of briefings) {
        expect(briefing.ok).toBe(true);
        expect(JSON.stringify(briefing)).not.toMatch(MOJIBAKE);
        expect(briefing.titleOrigin).toBe('first highlight');
        expect(briefing.title?.length).toBeLessThanOrEqual(90);
        expect(briefing.highlights).toHaveLength(3);
        expect(briefing.repairs?.map((repair) => repair.kind)).toContain('utf8-as-tis-620-bytes-lost');
      }
      const text = JSON.stringify(briefings);
      expect(text).toContain('China’s');
      expect(text).toContain('coordination—tighter');
    });
  },
);
if (!existsSync(SHARED_BRIEFINGS))
  console.warn(`SKIPPED: digest inspect on real briefings, because ${SHARED_BRIEFINGS} is absent`);
