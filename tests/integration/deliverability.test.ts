import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caniemail } from 'caniemail';
import { Parser } from 'htmlparser2';
import mjml2html from 'mjml';
import { beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../helpers/briefings.js';
import { runDigest } from '../helpers/cli.js';

const SPAMASSASSIN = '/usr/bin/spamassassin';
const CLIENTS = ['gmail.*', 'outlook.*', 'apple-mail.*'] as const;

/**
 * Features our templates add that some of these clients ignore, each reviewed: the design still
 * reads right without them. Anything else caniemail reports as unsupported fails the test.
 */
const REVIEWED_FALLBACKS: Record<string, string> = {
  'color-scheme meta tag':
    'Declares dark-mode support to clients that read it; the others show the light design.',
};

let out: string;
let html: string;
beforeAll(async () => {
  out = temporaryFolder('deliverability-');
  const run = await runDigest(['build', '--source', 'examples/briefings', '--week', 'latest', '--out', out]);
  expect(run.code).toBe(0);
  html = readFileSync(join(out, 'digest.html'), 'utf8');
});

function links(document: string): { hrefs: string[]; imagesWithoutAlt: string[] } {
  const hrefs: string[] = [];
  const imagesWithoutAlt: string[] = [];
  new Parser({
    onopentag(name, attributes) {
      if (name === 'a' && attributes.href !== undefined) hrefs.push(attributes.href);
      if (name === 'img' && !('alt' in attributes)) imagesWithoutAlt.push(attributes.src ?? '');
    },
  }).end(document);
  return { hrefs, imagesWithoutAlt };
}

describe.skipIf(!existsSync(SPAMASSASSIN))('SpamAssassin', () => {
  it('scores the sample message at 2.0 or less', () => {
    const home = temporaryFolder('spamassassin-home-');
    const report = execFileSync(SPAMASSASSIN, ['-L', '-t'], {
      input: readFileSync(join(out, 'digest.eml')),
      env: { PATH: process.env.PATH ?? '', HOME: home },
    }).toString('utf8');
    const score = Number(/^X-Spam-Status: \w+, score=(-?[\d.]+)/m.exec(report)?.[1]);
    expect(Number.isFinite(score)).toBe(true);
    expect(score, report.slice(report.indexOf('Content analysis details'))).toBeLessThanOrEqual(2.0);
  });
});
if (!existsSync(SPAMASSASSIN))
  console.warn(
    `SKIPPED: the SpamAssassin score, because ${SPAMASSASSIN} is missing (apt-get install spamassassin)`,
  );

describe('the rendered email', () => {
  it('links only to absolute https and mailto addresses', () => {
    const { hrefs } = links(html);
    expect(hrefs.length).toBeGreaterThan(5);
    for (const href of hrefs) expect(href).toMatch(/^(?:https:\/\/[^\s/]+|mailto:[^\s@]+@)/);
  });

  it('gives every image alt text', () => {
    expect(links(html).imagesWithoutAlt).toEqual([]);
  });

  it('stays under Gmail’s 102 KB clip for a maximal week, cutting the overflow to title-only links', async () => {
    const source = temporaryFolder('maximal-week-');
    // Different stories, so none is dropped as a near-duplicate of another: each sentence draws
    // its words from a vocabulary with a different stride.
    const vocabulary =
      `copper nickel cobalt lithium graphite manganese tin zinc tungsten gallium germanium antimony vanadium
      smelter refinery mine port rail tender quota tariff licence permit royalty subsidy auction contract offtake
      Chile Peru Congo Indonesia Australia Canada Kazakhstan Zambia Brazil Norway Finland Morocco Namibia Vietnam
      output exports imports prices premiums stocks inventories demand supply deficit surplus capacity expansion
      rose fell doubled halved slowed recovered stalled jumped eased climbed dipped surged steadied tightened
      buyers sellers traders analysts ministers regulators investors lenders utilities carmakers cellmakers`.split(
        /\s+/,
      );
    const sentence = (seed: number) =>
      `${Array.from({ length: 32 }, (_, word) => vocabulary[(seed * 7 + word * ((seed % 11) + 3)) % vocabulary.length]).join(' ')}.`;
    for (let index = 0; index < 80; index++) {
      const day = String(16 + (index % 7));
      writeFileSync(
        join(source, `2026-11-${day}-story-${index}.json`),
        JSON.stringify({
          title: `Story ${index}: ${sentence(index * 3).slice(0, 60)}`,
          source: 'Metals Desk',
          url: `https://example.com/story/${index}`,
          highlights: [1, 2, 3].map((line) => sentence(index * 3 + line)),
          disclaimer: 'Figures are preliminary and may be revised by the agencies that published them.',
        }),
      );
    }
    const maximal = temporaryFolder('maximal-out-');
    const run = await runDigest(['build', '--source', source, '--week', '2026-W47', '--out', maximal]);
    expect(run.code).toBe(0);
    const bytes = readFileSync(join(maximal, 'digest.html')).length;
    expect(bytes).toBeLessThanOrEqual(102 * 1024);
    const manifest = JSON.parse(readFileSync(join(maximal, 'digest.json'), 'utf8'));
    // Every briefing is an item, skipped with a reason, or grouped into another's story.
    const grouped = manifest.groups.reduce(
      (sum: number, group: { also: string[] }) => sum + group.also.length,
      0,
    );
    expect(manifest.items.length + manifest.skipped.length + grouped).toBe(80);
    expect(manifest.items.length).toBeGreaterThan(60);
    expect(manifest.collapsedItems.length).toBeGreaterThan(0);
    // The last (oldest) item is among the title-only links, still linked.
    expect(readFileSync(join(maximal, 'digest.html'), 'utf8')).toContain(
      `href="${manifest.items.at(-1).url}"`,
    );
  });

  it('uses no CSS or HTML feature that Gmail, Outlook or Apple Mail lack, beyond reviewed fallbacks', async () => {
    // MJML's own skeleton relies on features some clients ignore (it targets Outlook with
    // conditional comments instead); measure what our templates add on top of it.
    const skeleton = (
      await mjml2html(
        '<mjml><mj-head><mj-title>t</mj-title><mj-preview>p</mj-preview></mj-head><mj-body><mj-section><mj-column><mj-text>x</mj-text><mj-divider /><mj-button href="https://example.com">b</mj-button></mj-column></mj-section></mj-body></mjml>',
      )
    ).html;
    const unsupported = (document: string) => {
      const found = new Map<string, Set<string>>();
      for (const [client, issues] of caniemail({ clients: [...CLIENTS], html: document }).issues.errors) {
        for (const issue of issues) found.set(issue.title, (found.get(issue.title) ?? new Set()).add(client));
      }
      return found;
    };
    const baseline = unsupported(skeleton);
    const ours = [...unsupported(html)].filter(([title]) => !baseline.has(title));
    const unreviewed = ours
      .filter(([title]) => !(title in REVIEWED_FALLBACKS))
      .map(([title, clients]) => `${title} (${[...clients].join(', ')})`);
    expect(unreviewed).toEqual([]);
  });
});
