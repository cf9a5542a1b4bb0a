import { cpSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFolder } from '../../src/adapters/fs-source.js';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT, runDigest } from '../helpers/cli.js';
import { activeContent } from '../helpers/html.js';

/**
 * tests/fixtures/hostile/ holds small hostile briefings of our own writing (bad encodings, both
 * mojibake families, broken YAML and JSON, HTML and script injection, header injection, bidi and
 * zero-width tricks, impossible and future dates, duplicates, real Thai). The large ones — 20 MB,
 * a single 1 MB line, 10,000 bullets — are generated here rather than committed.
 */
const CORPUS = join(ROOT, 'tests', 'fixtures', 'hostile');

interface Manifest {
  subject: string;
  items: { id: string; title: string; source: string | null; url: string | null; highlights: string[] }[];
  skipped: { file: string; reason: string }[];
}

let folder: string;
let out: string;
let manifest: Manifest;
let html: string;
let stdout: string;

beforeAll(async () => {
  folder = temporaryFolder('hostile-');
  cpSync(CORPUS, folder, { recursive: true });
  writeFileSync(
    join(folder, '2026-11-18-twenty-megabytes.txt'),
    Buffer.alloc(20 * 1024 * 1024, 'Highlights\n- x\n'),
  );
  writeFileSync(
    join(folder, '2026-11-18-one-megabyte-line.txt'),
    `${'Smelters said output rose again this week and '.repeat(22_800)}then stopped.`,
  );
  writeFileSync(
    join(folder, '2026-11-18-ten-thousand-bullets.md'),
    `# Ten thousand bullets\n\n## Highlights\n\n${Array.from({ length: 10_000 }, (_, index) => `- Bullet number ${index} about rare earth prices.`).join('\n')}\n`,
  );
  out = temporaryFolder('hostile-out-');
  const run = await runDigest(['build', '--source', folder, '--all', '--out', out]);
  stdout = run.stdout;
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  manifest = JSON.parse(readFileSync(join(out, 'digest.json'), 'utf8'));
  html = readFileSync(join(out, 'digest.html'), 'utf8');
}, 60_000);

const reasonFor = (file: string) => manifest.skipped.find((entry) => entry.file === file)?.reason;
const itemTitled = (pattern: RegExp) => manifest.items.find((item) => pattern.test(item.title));

describe('the hostile corpus', () => {
  it('accounts for every file: included as an item, or skipped with a reason', async () => {
    const files = (await readFolder(folder, { maxBytes: 2 * 1024 * 1024 })).map((file) => file.name);
    const skipped = manifest.skipped.map((entry) => entry.file);
    for (const entry of manifest.skipped) expect(entry.reason.length).toBeGreaterThan(5);
    expect(manifest.items.length + skipped.length).toBe(files.length);
    expect(new Set([...skipped]).size).toBe(skipped.length);
    for (const file of files.filter((name) => !skipped.includes(name))) expect(stdout).toContain(file);
  });

  it.each([
    ['2026-11-18-empty.txt', /^empty file$/],
    ['2026-11-18-binary.txt', /^binary file/],
    ['2026-11-18-twenty-megabytes.txt', /^too large \(20\.0 MB; the limit is 2\.0 MB\)/],
    ['2026-11-19-broken-yaml.md', /^front matter is not valid YAML \(line \d+/],
    ['2026-11-19-unclosed-front-matter.md', /^front matter has no closing --- line/],
    ['2026-11-19-broken.json', /^not valid JSON \(line 1: /],
    ['2026-11-19-wrong-types.json', /^JSON field "highlights" is not valid/],
    ['2026-11-19-not-an-object.json', /^JSON briefing must be an object/],
    ['2026-11-21-impossible-date.json', /^date "2026-02-30" is not a real date/],
    ['2026-11-21-no-text.txt', /^no usable text after cleaning/],
    ['.hidden-draft.md', /^hidden file/],
    ['notes.pdf', /^not a briefing file type \(\.pdf\)/],
    [
      'copies/2026-11-21-same-briefing (1).txt',
      /^duplicate of 2026-11-21-same-briefing\.txt \(same content\)$/,
    ],
  ])('skips %s and says why', (file, reason) => {
    expect(reasonFor(file)).toMatch(reason);
  });

  it('lets no markup, script, event handler or unsafe link into the HTML', () => {
    expect(activeContent(html)).toEqual([]);
    expect(html).not.toMatch(/evil\.example|javascript:|data:text/);
    const attack = itemTitled(/Cobalt/);
    expect(attack?.title).toBe('Cobalt prices jump');
    expect(attack?.source).toBe('Desk');
    expect(attack?.url).toBeNull();
  });

  it('never lets a line break reach a header', async () => {
    expect(manifest.subject).not.toMatch(/[\r\n]/);
    for (const item of manifest.items) expect(`${item.title}${item.source ?? ''}`).not.toMatch(/[\r\n]/);
    const message = await simpleParser(readFileSync(join(out, 'digest.eml')));
    expect(message.bcc).toBeUndefined();
    expect(message.replyTo).toBeUndefined();
    expect(message.headers.has('x-injected')).toBe(false);
  });

  it('repairs both mojibake families and leaves real Thai alone', () => {
    // A spaced dash whose bytes were lost is an en or an em dash: either reads right.
    expect(itemTitled(/^Graphite anode/)?.title).toMatch(
      /^Graphite anode plant’s output “beats plan” [–—] for now$/,
    );
    expect(itemTitled(/^Lithium brine/)?.highlights[0]).toBe(
      'Regulators approved the brine project’s water plan — with conditions.',
    );
    expect(itemTitled(/^Société/)?.title).toBe('Société Générale’s metals desk sees “tight” zinc');
    expect(itemTitled(/ระยอง/)?.highlights).toEqual([
      'บริษัทไทยเปิดโรงงานแยกแร่หายากแห่งแรกในระยอง',
      'กำลังผลิต ๕๐๐ ตันต่อปี',
    ]);
    expect(html).not.toMatch(/โ€|â€|Ã©/);
  });

  it('reads UTF-16 with a BOM and text that is not valid UTF-8', () => {
    expect(itemTitled(/Gallium/)).toBeDefined();
    expect(
      manifest.items.some((item) =>
        item.highlights.some((highlight) => highlight.startsWith('Vanadium flow batteries')),
      ),
    ).toBe(true);
    expect(
      manifest.items.some((item) =>
        item.highlights.some((highlight) => highlight.startsWith('Tungsten prices')),
      ),
    ).toBe(true);
  });

  it('drops bidi overrides and zero-width characters', () => {
    const item = itemTitled(/magnets/);
    expect(item?.title).toBe('Rare earth ezirp magnets win an order');
    expect(JSON.stringify(item)).not.toMatch(/[\u200b\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
  });

  it('keeps three short highlights from 10,000 bullets, and a readable title from a 1 MB line', () => {
    const bullets = itemTitled(/^Ten thousand bullets$/);
    expect(bullets?.highlights).toHaveLength(3);
    const line = manifest.items.find((item) => item.title.startsWith('Smelters said output rose again'));
    expect(line?.title.length).toBeLessThanOrEqual(90);
    for (const highlight of line?.highlights ?? []) expect(highlight.length).toBeLessThanOrEqual(280);
  });

  it('keeps a future-dated briefing out of "latest" and says why', async () => {
    const latest = temporaryFolder('hostile-latest-');
    // Its only date is the modified time, which a copy sets to now: put it inside week 47.
    utimesSync(
      join(folder, '2026-13-45-impossible-name.txt'),
      new Date('2026-11-20T12:00:00Z'),
      new Date('2026-11-20T12:00:00Z'),
    );
    const run = await runDigest([
      'build',
      '--source',
      folder,
      '--week',
      'latest',
      '--now',
      '2026-11-25T00:00:00Z',
      '--out',
      latest,
    ]);
    expect(run.code).toBe(0);
    const built = JSON.parse(readFileSync(join(latest, 'digest.json'), 'utf8')) as Manifest & {
      issueId: string;
    };
    expect(built.issueId).toBe('2026-W47');
    // Dated 2099 in its name: outside the period by its listing, counted and never read.
    expect(built.skipped.map((entry) => entry.file)).not.toContain('2099-01-01-future.md');
    expect((built as unknown as { outsideThePeriod: number }).outsideThePeriod).toBeGreaterThanOrEqual(1);
    expect(run.stdout).toMatch(/^\d+ files? outside the period \(--verbose lists them\)\.$/m);
  });
});
