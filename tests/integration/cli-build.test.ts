import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/briefings.js';
import { ROOT, runDigest, SHARED_BRIEFINGS } from '../helpers/cli.js';
import { activeContent } from '../helpers/html.js';

const read = (folder: string, name: string) => readFileSync(join(folder, name), 'utf8');
const manifest = (folder: string) => JSON.parse(read(folder, 'digest.json'));

describe('digest build on the bundled examples (what npm start does)', () => {
  it('builds the latest week, skips the duplicate and says where to look', async () => {
    const out = temporaryFolder();
    const run = await runDigest([
      'build',
      '--source',
      'examples/briefings',
      '--week',
      'latest',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const digest = manifest(out);
    expect(digest.issueId).toBe('2026-W47');
    expect(digest.items).toHaveLength(6);
    expect(digest.items.map((item: { summary: string }) => item.summary)).toContain('extracted');
    expect(digest.skipped).toEqual([
      {
        file: 'archive-copy/2026-11-21-chile-copper (copy).txt',
        reason: 'duplicate of 2026-11-21-chile-copper.txt (same content)',
      },
    ]);
    expect(run.stdout).toContain(`Open ${join(out, 'digest.html')} in a browser`);
    for (const name of ['digest.html', 'digest.txt', 'digest.eml'])
      expect(existsSync(join(out, name))).toBe(true);
    // RFC 5322: CRLF at the end of every line of the sample message, bodies included.
    expect(read(out, 'digest.eml')).not.toMatch(/(?<!\r)\n|\r(?!\n)/);
    const html = read(out, 'digest.html');
    expect(html).not.toMatch(/โ|ย|Ã|â€|[\u0080-\u009f]|opens in a new tab|wp:paragraph|Comments/);
    expect(html).not.toMatch(/<script|alert\(/);
  });
});

describe.skipIf(!existsSync(SHARED_BRIEFINGS))(
  'digest build on the real briefings in ../shared/briefings',
  () => {
    it('builds both, cleaned, each with a title and its 3 highlights', async () => {
      const out = temporaryFolder();
      const run = await runDigest(['build', '--source', SHARED_BRIEFINGS, '--all', '--out', out]);
      expect(run.code).toBe(0);
      const digest = manifest(out);
      expect(digest.items).toHaveLength(2);
      for (const item of digest.items) {
        expect(item.title.length).toBeGreaterThan(20);
        expect(item.title.length).toBeLessThanOrEqual(90);
        expect(item.highlights).toHaveLength(3);
      }
      for (const name of ['digest.html', 'digest.txt']) {
        const content = read(out, name);
        expect(content).not.toMatch(/โ|ย|Ã|[\u0080-\u009f]|\(opens in a new tab\)|wp:paragraph|0 Comments/);
        expect(content).toContain('coordination—tighter');
      }
    });
  },
);
if (!existsSync(SHARED_BRIEFINGS))
  console.warn(`SKIPPED: real-briefing tests, because ${SHARED_BRIEFINGS} is absent`);

describe('digest build on bad input', () => {
  it('builds, and lists an empty, a binary, a 10 MB, a broken front-matter and a duplicate file with reasons', async () => {
    const source = temporaryFolder();
    const good =
      'Highlights\n- Cobalt output in Katanga rose 12% on new capacity.\n- Exports shift to rail.\nThe provincial mining office released figures on Monday.';
    writeFileSync(join(source, '2026-11-18-good.txt'), good);
    writeFileSync(join(source, '2026-11-18-copy.txt'), good);
    writeFileSync(join(source, '2026-11-18-empty.txt'), '');
    writeFileSync(
      join(source, '2026-11-18-image.txt'),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
    );
    writeFileSync(join(source, '2026-11-18-huge.txt'), Buffer.alloc(10 * 1024 * 1024, 'a'));
    writeFileSync(join(source, '2026-11-18-broken.md'), '---\ntitle: "unclosed\ndate: 2026-11-18\n---\nBody');
    const out = temporaryFolder();
    const run = await runDigest(['build', '--source', source, '--week', '2026-W47', '--out', out]);
    expect(run.code).toBe(0);
    const digest = manifest(out);
    expect(digest.items).toHaveLength(1);
    const reasons = Object.fromEntries(
      digest.skipped.map((skipped: { file: string; reason: string }) => [skipped.file, skipped.reason]),
    );
    expect(reasons).toEqual({
      '2026-11-18-broken.md': expect.stringMatching(/^front matter is not valid YAML \(line \d+/),
      '2026-11-18-empty.txt': 'empty file',
      '2026-11-18-good.txt': 'duplicate of 2026-11-18-copy.txt (same content)',
      '2026-11-18-huge.txt': 'too large (10.0 MB; the limit is 2.0 MB): split or trim it',
      '2026-11-18-image.txt': 'binary file, not text: save briefings as UTF-8 text',
    });
    for (const file of Object.keys(reasons)) expect(run.stdout).toContain(`- ${file}: `);
  });

  it('never lets markup from a briefing into the HTML, nor a line break into the subject', async () => {
    const source = temporaryFolder();
    writeFileSync(
      join(source, '2026-11-18-hostile.json'),
      JSON.stringify({
        title: 'Graphite deal\r\nBcc: victim@example.com',
        url: 'javascript:alert(document.cookie)',
        highlights: [
          'Prices <script>alert(1)</script> rose',
          'See <img src=x onerror="alert(2)"> the chart',
          'A [harmless-looking link](javascript:alert(3)) and <iframe src="https://evil.example"></iframe>',
        ],
        body: '<p onclick="alert(4)">Body</p>',
      }),
    );
    const out = temporaryFolder();
    const run = await runDigest(['build', '--source', source, '--all', '--out', out]);
    expect(run.code).toBe(0);
    const html = read(out, 'digest.html');
    expect(activeContent(html)).toEqual([]);
    expect(html).toContain('Prices rose');
    const digest = manifest(out);
    expect(digest.subject).not.toMatch(/[\r\n]/);
    const headers = read(out, 'digest.eml').split('\r\n\r\n')[0] ?? '';
    expect(headers).not.toMatch(/^Bcc:/im);
  });

  it('writes an empty manifest and no HTML when the period has no briefings', async () => {
    const out = temporaryFolder();
    writeFileSync(join(out, 'digest.html'), 'stale');
    const run = await runDigest([
      'build',
      '--source',
      'examples/briefings',
      '--week',
      '2026-W10',
      '--out',
      out,
    ]);
    expect(run.code).toBe(0);
    expect(manifest(out).items).toEqual([]);
    expect(existsSync(join(out, 'digest.html'))).toBe(false);
    expect(run.stdout).toContain('No briefings fall in this period');
  });
});

describe('digest build errors', () => {
  it.each([
    [
      ['build', '--week', '2026-47'],
      /^digest: --week must be an ISO week such as 2026-W47, or "latest" \(got "2026-47"\)\n$/,
    ],
    [['build', '--all', '--week', '2026-W47'], /^digest: use only one of --week, --all/],
    [['build', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['build', '--time-zone', 'Nowhere/Land'], /--time-zone must be an IANA time zone/],
  ])('exits 2 for usage errors: %j', async (args, message) => {
    const run = await runDigest([...args, '--source', 'examples/briefings', '--out', temporaryFolder()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 1 with one line, and no stack trace, when the folder is missing', async () => {
    const run = await runDigest(['build', '--source', '/nonexistent/briefings', '--out', temporaryFolder()]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'digest: briefings folder not found: /nonexistent/briefings: check --source',
    );
  });

  it('shows the stack with --debug', async () => {
    const run = await runDigest([
      'build',
      '--debug',
      '--source',
      '/nonexistent/briefings',
      '--out',
      temporaryFolder(),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it('names the template file and line of a template error', async () => {
    const templates = temporaryFolder();
    mkdirSync(join(templates, 'partials'));
    writeFileSync(
      join(templates, 'partials', 'item.hbs'),
      '<mj-section>\n  <mj-column>\n    <mj-text>{{titel}}</mj-text>\n  </mj-column>\n</mj-section>\n',
    );
    const run = await runDigest([
      'build',
      '--source',
      'examples/briefings',
      '--week',
      'latest',
      '--templates',
      templates,
      '--out',
      temporaryFolder(),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `digest: ${join(templates, 'partials', 'item.hbs')}:3: "titel" is not a field templates can use: check the spelling (see the README for the fields)`,
    );
  });

  it('prints help for the build command', async () => {
    const run = await runDigest(['build', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--week <YYYY-Www|latest>');
  });

  it('reads options from the environment and a config file', async () => {
    const folder = temporaryFolder();
    writeFileSync(
      join(folder, 'digest.config.json'),
      JSON.stringify({ newsletterName: 'Config Name', week: 'latest' }),
    );
    const out = join(folder, 'out');
    const run = await runDigest(
      ['build'],
      { DIGEST_SOURCE: join(ROOT, 'examples', 'briefings'), DIGEST_OUT: out },
      folder,
    );
    expect(run.code).toBe(0);
    expect(read(out, 'digest.txt')).toMatch(/^Config Name — Week 47/);
  });
});
