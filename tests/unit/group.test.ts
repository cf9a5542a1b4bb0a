import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commoditiesIn, datesIn, eventKindsIn, factsOf, figuresIn } from '../../src/core/digest/facts.js';
import { bestSourcedFirst, groupStories } from '../../src/core/digest/group.js';
import { buildDigest } from '../../src/core/render/build.js';
import { compileTemplates } from '../../src/core/render/render.js';
import type { Briefing } from '../../src/core/types.js';
import { sourceFile } from '../helpers/briefings.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

/** Invented briefings of one week: five events reported twice or three times, and look-alikes. */
interface EventSet {
  groups: string[][];
  briefings: {
    file: string;
    title: string;
    source?: string;
    url?: string;
    date: string;
    highlights: string[];
  }[];
}
const SET: EventSet = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'events', 'week-47.json'), 'utf8'),
);

function briefing(entry: Partial<Omit<Briefing, 'date'>> & { file: string; date?: Date | string }): Briefing {
  const { date, ...rest } = entry;
  return {
    id: entry.file,
    format: 'markdown',
    title: entry.file,
    titleOrigin: 'metadata',
    dateOrigin: 'metadata',
    repairs: [],
    tags: [],
    highlights: [],
    paragraphs: [],
    ...rest,
    date: new Date(date ?? '2026-11-18T09:00:00Z'),
  };
}
const WEEK = SET.briefings.map(({ date, ...entry }) => briefing({ ...entry, date: `${date}T09:00:00Z` }));

/** Each group as kept first, then the others sorted: comparable whatever the order. */
const groupsOf = (briefings: Briefing[]) =>
  groupStories(briefings)
    .groups.map((group) => [group.kept, ...[...group.also].sort()])
    .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
const together = (a: string, b: string, groups: string[][]) =>
  groups.some((group) => group.includes(a) && group.includes(b));

describe('one event, several sources', () => {
  it('makes one story of the briefings that report one event in different words', () => {
    const groups = groupsOf(WEEK);
    expect(groups.map((group) => [...group].sort())).toEqual(
      SET.groups.map((group) => [...group].sort()).sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')),
    );
  });

  it.each([
    ['codelco-earnings.md', 'codelco-accident.md', "a company's earnings and its mine accident"],
    ['codelco-earnings.md', 'chuqui-wire.md', "a company's earnings and its smelter fire"],
    ['codelco-accident.md', 'chuqui-ledger.md', 'two accidents at one company’s sites'],
    ['sqm-lithium.md', 'chuqui-wire.md', 'the same figure and country, different companies'],
    ['peru-zinc.md', 'chuqui-notes.txt', 'the same figure in another country'],
    ['chile-output.md', 'peru-output-stats.md', 'the same figure and subject in another country'],
    ['glencore-australia.md', 'glencore-teck-desk.md', 'one company in two countries'],
    ['glencore-australia.md', 'kamoto-collapse-a.md', 'one company, two mines'],
    ['tin-smelter.md', 'tin-record-a.md', 'one place named in two tin stories'],
  ])('keeps %s apart from %s (%s)', (a, b) => {
    expect(together(a, b, groupsOf(WEEK))).toBe(false);
  });

  it('gives the same stories whatever the order of the briefings', () => {
    const expected = groupsOf(WEEK);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(WEEK, { minLength: WEEK.length, maxLength: WEEK.length }),
        (shuffled) => {
          expect(groupsOf(shuffled)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('shows the best-sourced briefing and says what the group shares', () => {
    const chuquicamata = groupStories(WEEK).groups.find((group) => group.also.includes('chuqui-notes.txt'));
    expect(chuquicamata).toEqual({
      kept: 'chuqui-wire.md',
      also: ['chuqui-ledger.md', 'chuqui-notes.txt'],
      shared: ['Chuquicamata', '3%', 'Chile', 'Codelco'],
      // Why each file is in it: every pair found to report the fire, with what that pair shares.
      links: [
        { files: ['chuqui-ledger.md', 'chuqui-notes.txt'], shared: ['Chuquicamata', '3%', 'Chile'] },
        { files: ['chuqui-ledger.md', 'chuqui-wire.md'], shared: ['Chuquicamata', 'Codelco', '3%', 'Chile'] },
        { files: ['chuqui-notes.txt', 'chuqui-wire.md'], shared: ['Chuquicamata', '3%', 'Chile'] },
      ],
    });
  });

  it('orders stories newest first, by the briefing each one shows', () => {
    const { stories } = groupStories(WEEK);
    const dates = stories.map((story) => story.briefing.date.getTime());
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(stories.flatMap((story) => [story.briefing, ...story.also])).toHaveLength(WEEK.length);
  });

  it('keeps reports more than three days apart as two stories', () => {
    const [a, b] = ['glencore-teck-desk.md', 'glencore-teck-post.md'].map(
      (file) => WEEK.find((entry) => entry.file === file) as Briefing,
    );
    if (!a || !b) throw new Error('fixture changed');
    expect(groupsOf([a, { ...b, date: new Date('2026-11-21T09:00:00Z') }])).toEqual([]);
  });

  it('does not count a name and figure that most of the week shares', () => {
    // Fourteen stories that all quote the LME and a 3% move: the shared facts say nothing.
    const week = Array.from({ length: 14 }, (_, index) =>
      briefing({
        file: `lme-${index}.md`,
        highlights: [`Traders on the LME said metal number ${index} moved 3% as Chinese buying slowed.`],
      }),
    );
    expect(groupsOf(week)).toEqual([]);
  });

  it('does not take look-alike reports of a generated archive for one event', () => {
    const metals = ['copper', 'nickel', 'cobalt', 'zinc'];
    const week = Array.from({ length: 40 }, (_, index) =>
      briefing({
        file: `report-${index}.md`,
        highlights: [
          `Chile’s ${metals[index % 4]} output rose ${index % 9}% year on year in October.`,
          `Buyers held back, waiting for prices to settle near ${1000 + index} dollars a tonne.`,
        ],
      }),
    );
    expect(groupsOf(week)).toEqual([]);
  });
});

describe('one company, two agreements: the days a briefing names', () => {
  // Invented: one producer signs two research agreements, months apart, and both briefings land
  // in one week (a scraper's modified times, no dates of their own).
  const september = briefing({
    file: 'norvik-kestrel.txt',
    highlights: [
      'Norvik Metals signed a research agreement with Kestrel Polytechnic on September 11 to develop magnet alloys.',
      'The partnership funds joint laboratories and researcher exchanges in Harbin.',
      "It is part of China's push to pair state producers with universities.",
    ],
  });
  const december = briefing({
    file: 'norvik-lakeside.txt',
    highlights: [
      'Norvik Metals and Lakeside University signed a strategic research agreement on Dec 18 at the university.',
      'The agreement covers magnet alloys, talent programmes and researcher exchanges in Harbin.',
      "Analysts read it as China's state producers leaning on universities.",
    ],
  });
  const decemberElsewhere = briefing({
    file: 'norvik-lakeside-wire.md',
    highlights: [
      'On 18 December Lakeside University and Norvik Metals agreed to research magnet alloys together.',
      'Researcher exchanges between the campus and Norvik’s Harbin plant start next year.',
    ],
  });

  it('keeps two agreements of one company on days months apart as two stories', () => {
    expect(groupsOf([september, december])).toEqual([]);
  });

  it('still groups two reports naming the same day in different forms', () => {
    expect(
      together(
        'norvik-lakeside.txt',
        'norvik-lakeside-wire.md',
        groupsOf([september, december, decemberElsewhere]),
      ),
    ).toBe(true);
    expect(
      together(
        'norvik-kestrel.txt',
        'norvik-lakeside-wire.md',
        groupsOf([september, december, decemberElsewhere]),
      ),
    ).toBe(false);
  });

  it.each([
    ['signed on Dec 18 in Harbin', [353]],
    ['On September 11, the chair', [255]],
    ['on the 11th of September', [255]],
    ['Sept. 3 and June 5th', [247, 157]],
    ['a Dec 18% rise, May 2026, prices may 10% fall, Feb 30', []],
  ])('reads the days in %j as %j', (text, days) => {
    expect(datesIn(text).sort()).toEqual([...days].sort());
  });
});

describe('one company, two kinds of event', () => {
  // Invented look-alikes: the same company, region and figures, but a strike and a fire; a
  // dividend and job cuts. Each pair shares enough names and figures to pass for one event.
  const strike = briefing({
    file: 'torrent-strike.md',
    source: 'Outback Post',
    highlights: [
      'About 1,100 workers at Torrent Mining’s Kestrel Ridge pit in Queensland walked out on Monday over pay.',
      'The strike halted coal loading; the union wants a 6% rise.',
    ],
  });
  const strikeAgain = briefing({
    file: 'torrent-strike-wire.txt',
    source: 'Coal Wire',
    highlights: [
      'Torrent Mining said the strike by 1,100 miners at Kestrel Ridge in Queensland stopped loading.',
    ],
  });
  const fire = briefing({
    file: 'torrent-fire.md',
    source: 'Pit Notes',
    highlights: [
      'A conveyor fire at Torrent Mining’s Saraji pit in Queensland forced the evacuation of 1,100 workers.',
      'Firefighters put out the blaze within hours.',
    ],
  });
  const dividend = briefing({
    file: 'halvard-dividend.md',
    highlights: [
      'Halvard Metals raised its quarterly dividend by 10% in Norway, and shareholders welcomed it.',
    ],
  });
  const jobCuts = briefing({
    file: 'halvard-jobs.md',
    highlights: [
      'Halvard Metals plans to cut 10% of its head-office staff in Norway, shareholders were told.',
    ],
  });

  it('keeps a strike and a fire at one company’s mines apart, and still groups the strike told twice', () => {
    const groups = groupsOf([strike, strikeAgain, fire]);
    expect(together('torrent-strike.md', 'torrent-strike-wire.txt', groups)).toBe(true);
    expect(together('torrent-strike.md', 'torrent-fire.md', groups)).toBe(false);
    expect(together('torrent-strike-wire.txt', 'torrent-fire.md', groups)).toBe(false);
  });

  it('keeps a company’s dividend and its job cuts apart', () => {
    expect(groupsOf([dividend, jobCuts])).toEqual([]);
  });

  it.each([
    ['A blaze halted the smelter; no one was hurt.', ['fire', 'accident']],
    ['Miners walked out in a strike over pay.', ['strike']],
    ['It will cut 10% of its head-office staff.', ['jobs']],
    ['Glencore agreed to buy a 77% stake.', ['deal']],
    ['Copper output rose 4.5% and prices climbed.', []],
  ])('reads the kind of event in %j as %j', (text, kinds) => {
    expect(eventKindsIn(text)).toEqual(kinds);
  });
});

describe('one mine, two commodities', () => {
  // Invented, the shape of a false group the grouping bench once found among 5,000 generated
  // briefings: the same company, mine, country and tonnage, but cobalt in one and gallium in the other.
  const cobalt = briefing({
    file: 'lodurro-cobalt.md',
    highlights: ['Lodurro said cobalt output at its Vaxmisel mine in Canada rose 13.1% to 46,700 tonnes.'],
  });
  const gallium = briefing({
    file: 'lodurro-gallium.md',
    highlights: ['Lodurro said gallium output at its Vaxmisel mine in Canada rose 14.1% to 46,700 tonnes.'],
  });
  const cobaltAgain = briefing({
    file: 'vaxmisel-cobalt.md',
    highlights: [
      'Production of cobalt at the Vaxmisel mine climbed 13.1%, reaching 46,700 tonnes, Lodurro said.',
    ],
  });

  it('keeps two commodities of one mine apart, and groups one told twice', () => {
    const groups = groupsOf([cobalt, gallium, cobaltAgain]);
    expect(together('lodurro-cobalt.md', 'vaxmisel-cobalt.md', groups)).toBe(true);
    expect(together('lodurro-cobalt.md', 'lodurro-gallium.md', groups)).toBe(false);
  });

  it.each([
    ['Copper and gold output rose.', ['copper', 'gold']],
    ['Iron-ore and rare earth prices; aluminum too.', ['aluminium', 'iron ore', 'rare earths']],
    ['Lead times were long; tinned goods sold.', []],
  ])('reads the commodities in %j as %j', (text, commodities) => {
    expect(commoditiesIn(text).sort()).toEqual(commodities);
  });
});

describe('a list of countries', () => {
  it('counts capitalised countries written one after another as places, never as a name', () => {
    const [facts] = factsOf([
      briefing({
        file: 'a.md',
        highlights: ['Buyers in Chile Peru Congo and Burkina Faso Norway held back.'],
      }),
    ]);
    expect([...(facts?.names.values() ?? [])]).toEqual([]);
    expect([...(facts?.places ?? [])].sort()).toEqual(['Burkina Faso', 'Chile', 'Congo', 'Norway', 'Peru']);
  });
});

describe('the best-sourced briefing', () => {
  it('scores a point a highlight (up to three), one for the source and one for a web link', () => {
    const ranked = [
      briefing({ file: 'a.md', highlights: ['1', '2', '3'] }),
      briefing({ file: 'b.md', highlights: ['1', '2'], source: 'Desk', url: 'https://desk.example/b' }),
      briefing({ file: 'c.md', highlights: ['1', '2'], source: 'Desk' }),
      briefing({ file: 'd.md', highlights: ['1', '2'], source: 'Desk', date: '2026-11-19T09:00:00Z' }),
    ].sort(bestSourcedFirst);
    expect(ranked.map((entry) => entry.file)).toEqual(['b.md', 'a.md', 'd.md', 'c.md']);
  });
});

describe('the facts a briefing is grouped by', () => {
  it.each([
    ['Output fell 3 per cent.', ['3%']],
    ['Output fell 3.0%.', ['3%']],
    ['It costs US$1.2 billion', ['$1.2bn']],
    ['It costs $1,200m', ['$1.2bn']],
    ['It costs 1.2 billion dollars', ['$1.2bn']],
    ['A €450 million loan', ['€450m']],
    ['40 kt of concentrate', ['40,000 t']],
    ['40,000 tonnes of concentrate', ['40,000 t']],
    ['1.2 Mt a year', ['1.2m t']],
    ['two workers died; 2 miners were hurt', ['2 people', '2 people']],
    ['A 1.5 percentage point rise', ['1.5 pp']],
    ['In 2026, Q3 sales and 17 stores', []],
  ])('reads %j as %j', (text, figures) => {
    expect(figuresIn(text)).toEqual(figures);
  });

  it('takes a run of capitalised words at a sentence start for one name, first word included', () => {
    const [facts] = factsOf([
      briefing({ file: 'a.md', highlights: ['Halvard Metals raised its dividend. Exporters held back.'] }),
    ]);
    expect([...(facts?.names.values() ?? [])]).toContain('Halvard Metals');
    expect([...(facts?.names.values() ?? [])]).not.toContain('Exporters');
  });

  it('takes a capitalised word for a name mid-sentence, and at a sentence start only if some briefing writes it mid-sentence', () => {
    const [first, second] = factsOf([
      briefing({ file: 'a.md', highlights: ['Codelco said output fell. Exporters held back.'] }),
      briefing({ file: 'b.md', highlights: ['The state miner Codelco cut output.'] }),
    ]);
    expect([...(first?.names.values() ?? [])]).toEqual(['Codelco']);
    expect([...(second?.names.values() ?? [])]).toEqual(['Codelco']);
  });

  it('reads countries from their names and adjectives, and ignores the briefing’s own source', () => {
    const [facts] = factsOf([
      briefing({
        file: 'a.md',
        source: 'Andes Wire',
        highlights: ['Chilean and Peruvian miners told Andes Wire that the U.S. buyers paid US$9 billion.'],
      }),
    ]);
    expect([...(facts?.places ?? [])].sort()).toEqual(['Chile', 'Peru', 'United States']);
    expect([...(facts?.names.keys() ?? [])]).toEqual([]);
  });
});

describe('grouped stories in a build', () => {
  const file = (entry: EventSet['briefings'][number]) =>
    sourceFile(
      `${entry.date}-${entry.file}`.replace(/\.txt$/, '.md'),
      `---\ntitle: ${JSON.stringify(entry.title)}\ndate: ${entry.date}\n${entry.source ? `source: ${JSON.stringify(entry.source)}\n` : ''}${entry.url ? `url: ${entry.url}\n` : ''}---\n## Highlights\n${entry.highlights.map((line) => `- ${line}`).join('\n')}\n`,
    );

  it('shows one item with the other sources, and says in the manifest which files and why', async () => {
    const entries = SET.briefings.filter((entry) => entry.file.startsWith('chuqui-'));
    const result = await buildDigest(entries.map(file), compileTemplates(bundledTemplateFiles()), {
      period: { kind: 'week', week: '2026-W47' },
      now: new Date('2026-11-23T08:00:00Z'),
      timeZone: 'UTC',
      maxBytes: 64 * 1024,
      publication: { newsletterName: 'Metals Weekly', postalAddress: '1 Quay Street' },
      unsubscribeUrl: 'https://metals.example/unsubscribe',
      archiveUrl: 'https://metals.example/archive/{issueId}',
    });
    expect(result.manifest.items).toHaveLength(1);
    expect(result.manifest.skipped).toEqual([]);
    expect(result.manifest.items[0]?.alsoReportedBy).toEqual([
      {
        file: '2026-11-18-chuqui-ledger.md',
        source: 'Mining Ledger',
        url: 'https://mining-ledger.example/2026/11/18/smelter-blaze',
      },
      { file: '2026-11-18-chuqui-notes.md', source: 'Copper Notes', url: null },
    ]);
    expect(result.manifest.groups).toEqual([
      {
        kept: '2026-11-17-chuqui-wire.md',
        also: ['2026-11-18-chuqui-ledger.md', '2026-11-18-chuqui-notes.md'],
        shared: ['Chuquicamata', '3%', 'Chile', 'Codelco'],
        links: expect.arrayContaining([
          {
            files: ['2026-11-17-chuqui-wire.md', '2026-11-18-chuqui-ledger.md'],
            shared: expect.arrayContaining(['Codelco']),
          },
        ]),
      },
    ]);
    expect(result.output?.html).toContain(
      'Also reported by: <a href="https://mining-ledger.example/2026/11/18/smelter-blaze" style="color:#4b5563;text-decoration:underline;">Mining Ledger</a>, Copper Notes',
    );
    expect(result.output?.text).toContain(
      'Also reported by: Mining Ledger (https://mining-ledger.example/2026/11/18/smelter-blaze), Copper Notes',
    );
  });
});
