import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatIssueFile,
  type IssueFileSettings,
  parseIssueFile,
  steerIssue,
  unreadIssueFiles,
} from '../../src/core/digest/issue-file.js';
import { type BuildSettings, buildDigest } from '../../src/core/render/build.js';
import { compileTemplates } from '../../src/core/render/render.js';
import type { SourceFile } from '../../src/core/types.js';
import { sourceFile } from '../helpers/briefings.js';
import { WEEK_47_SETTINGS } from '../helpers/build-settings.js';
import { activeContent } from '../helpers/html.js';
import { bundledTemplateFiles } from '../helpers/templates.js';

const PATH = 'issues/2026-W47.yaml';
const templates = compileTemplates(bundledTemplateFiles());
const settings: BuildSettings = WEEK_47_SETTINGS;

/** A week of unrelated briefings, one a day, newest last: the digest lists them newest first. */
const TOPICS = [
  ['2026-11-16-tin.md', 'Tin smelter restarts in Bolivia', 'A smelter near Oruro restarted after repairs.'],
  ['2026-11-17-zinc.md', 'Zinc stocks fall in Rotterdam', 'Warehouse stocks dropped for a fifth week.'],
  ['2026-11-18-cobalt.md', 'Cobalt hydroxide prices steady', 'Buyers waited for the new quarter.'],
  ['2026-11-19-nickel.md', 'Nickel matte exports resume', 'Ships left the port after a two-week pause.'],
  ['2026-11-20-lithium.md', 'Lithium brine permit approved', 'A regional water board approved the permit.'],
] as const;
const week = (): SourceFile[] =>
  TOPICS.map(([name, title, highlight]) =>
    sourceFile(
      name,
      `---\ntitle: ${title}\nsource: Metals Desk\n---\n## Highlights\n- ${highlight}\n- A second highlight about ${title.toLowerCase()}.\n`,
    ),
  );
const issueFile = (yaml: string) => sourceFile(PATH, yaml);
const build = (files: SourceFile[], overrides: Partial<BuildSettings> = {}) =>
  buildDigest(files, templates, { ...settings, ...overrides });
const files = (result: Awaited<ReturnType<typeof build>>) => result.digest.items.map((item) => item.file);

describe('reading an issue file', () => {
  it('reads every key', () => {
    const file = parseIssueFile(
      PATH,
      [
        'subject: "Week 47: the tin story"',
        'preheader: Smelters, stocks and permits',
        'intro: |',
        '  A quiet week.',
        '',
        '  Two **big** stories.',
        'lead: 2026-11-16-tin.md',
        'order: [2026-11-18-cobalt.md, 2026-11-17-zinc.md]',
        'drop:',
        '  - 2026-11-20-lithium.md',
        'maxItems: 3',
      ].join('\n'),
    );
    expect(file).toEqual({
      path: PATH,
      settings: {
        subject: 'Week 47: the tin story',
        preheader: 'Smelters, stocks and permits',
        intro: 'A quiet week.\n\nTwo **big** stories.',
        lead: '2026-11-16-tin.md',
        order: ['2026-11-18-cobalt.md', '2026-11-17-zinc.md'],
        drop: ['2026-11-20-lithium.md'],
        maxItems: 3,
      },
      warnings: [],
    });
  });

  it('names an unknown key in one line, with the key it was probably meant to be', () => {
    const file = parseIssueFile(PATH, 'ordr: [a.md]\nleed: b.md\nfooter: hello\n');
    expect(file.settings).toEqual({});
    expect(file.warnings).toEqual([
      'issues/2026-W47.yaml: "ordr" is not a key of an issue file (did you mean "order"?)',
      'issues/2026-W47.yaml: "leed" is not a key of an issue file (did you mean "lead"?)',
      'issues/2026-W47.yaml: "footer" is not a key of an issue file (the keys are subject, preheader, intro, lead, order, drop, maxItems)',
    ]);
  });

  it.each([
    ['maxItems: ten', '"maxItems" must be a whole number from 1 to 500 (got "ten"): it is ignored'],
    ['maxItems: 0', '"maxItems" must be a whole number from 1 to 500 (got 0): it is ignored'],
    ['subject: [a, b]', '"subject" must be one line of text (got a list): it is ignored'],
    ['lead: { file: a.md }', '"lead" must be one briefing file name (got a mapping): it is ignored'],
    ['drop: true', '"drop" must be a list of briefing file names (got true): it is ignored'],
  ])('warns about a value of the wrong kind and uses the rest (%s)', (line, warning) => {
    const file = parseIssueFile(PATH, `preheader: Kept\n${line}\n`);
    expect(file.warnings).toEqual([`${PATH}: ${warning}`]);
    expect(file.settings).toEqual({ preheader: 'Kept' });
  });

  it('takes a single name where a list is expected, and an empty key as not set', () => {
    const file = parseIssueFile(PATH, 'order: a.md\ndrop:\nsubject: ""\n');
    expect(file).toEqual({ path: PATH, settings: { order: ['a.md'] }, warnings: [] });
  });

  it.each([
    [
      'a list instead of keys',
      '- a.md\n- b.md\n',
      `${PATH}: must hold "key: value" lines (subject, lead, order, …): this build ran without it`,
    ],
    [
      'an unclosed list',
      'lead: a.md\norder: [b.md\nmaxItems: 3\n',
      `${PATH} (line 3): not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ]): fix it; this build ran without it`,
    ],
    [
      'a key given twice',
      'lead: a.md\nlead: b.md\n',
      `${PATH} (line 2): not valid YAML (Map keys must be unique): fix it; this build ran without it`,
    ],
  ])(
    'reports a file that is not valid (%s) in one line naming the file and line, and sets nothing',
    (_, yaml, warning) => {
      const file = parseIssueFile(PATH, yaml);
      expect(file.settings).toEqual({});
      expect(file.warnings).toEqual([warning]);
    },
  );

  it('cuts a subject over 78 characters and a preheader over 110, and says so', () => {
    const file = parseIssueFile(PATH, `subject: ${'word '.repeat(30)}\npreheader: "a\\nb"\n`);
    expect([...(file.settings.subject ?? '')].length).toBeLessThanOrEqual(78);
    expect(file.settings.preheader).toBe('a b');
    expect(file.warnings).toEqual([
      `${PATH}: "subject" is over 78 characters: it is cut; shorten it`,
      `${PATH}: "preheader" is written on several lines: they are joined into one; write it on one line`,
    ]);
  });
});

describe('an issue file that cannot be used as written', () => {
  it('reads a document that expands without bound as one warning, not a crash', () => {
    const levels = Array.from({ length: 10 }, (_, level) =>
      level === 0
        ? 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'
        : `a${level}: &a${level} [${Array(10)
            .fill(`*a${level - 1}`)
            .join(', ')}]`,
    );
    const file = parseIssueFile(PATH, `${levels.join('\n')}\norder: *a9\n`);
    expect(file.settings).toEqual({});
    expect(file.warnings).toEqual([
      expect.stringMatching(
        /^issues\/2026-W47\.yaml: could not be read \(.+\): fix it; this build ran without it$/,
      ),
    ]);
  });

  it('names binary data and dates as what they are', () => {
    const file = parseIssueFile(PATH, 'intro: !!binary aGVsbG8=\nsubject: 2026-11-18\n');
    expect(file.warnings).toContain(
      'issues/2026-W47.yaml: "intro" must be text (Markdown) (got binary data): it is ignored',
    );
  });

  it('joins a subject written on several lines into one, and says so', () => {
    const file = parseIssueFile(PATH, 'subject: "Copper slips\\nBcc: someone@example.com"\n');
    expect(file.settings.subject).toBe('Copper slips Bcc: someone@example.com');
    expect(file.warnings).toEqual([
      'issues/2026-W47.yaml: "subject" is written on several lines: they are joined into one; write it on one line',
    ]);
  });
});

describe('an issue file with text that hides or reverses itself', () => {
  it('removes invisible and direction-changing characters from the subject and preheader, and says so', () => {
    const file = parseIssueFile(PATH, 'subject: "Week 47 \\u202Etxt.exe"\npreheader: "Tin\\u200B is back"\n');
    expect(file.settings).toEqual({ subject: 'Week 47 txt.exe', preheader: 'Tin is back' });
    expect(file.warnings).toEqual([
      `${PATH}: "subject" has invisible or direction-changing characters: they are removed`,
      `${PATH}: "preheader" has invisible or direction-changing characters: they are removed`,
    ]);
  });
});

describe('issue files that no build of the period reads', () => {
  const week47 = { issueId: '2026-W47', kind: 'week' as const, weeks: [] };
  const range = { issueId: '2026-11-16_2026-11-22', kind: 'range' as const, weeks: ['2026-W47'] };

  it.each([['issues/2026-w47.yaml'], ['issues/2026-W47.yml']])(
    'says %s is not read, and what the file must be called',
    (name) => {
      expect(unreadIssueFiles([name, 'issues/2026-W46.yaml'], week47)).toEqual([
        {
          file: name,
          warning: `${name}: not read: the issue file of 2026-W47 is named issues/2026-W47.yaml; rename it`,
        },
      ]);
    },
  );

  it('tells a build of dates that the week it covers has an issue file only --week reads', () => {
    expect(unreadIssueFiles([PATH, 'issues/2026-W46.yaml', 'issues/README.txt'], range)).toEqual([
      {
        file: PATH,
        warning: `${PATH}: not read: this build's period is 2026-11-16_2026-11-22, not a week; build with --week 2026-W47 to use it`,
      },
    ]);
  });

  it('keeps saying so once the file of the right name exists beside it', async () => {
    const result = await build([
      ...week(),
      issueFile('lead: 2026-11-17-zinc.md\n'),
      sourceFile('issues/2026-w47.yaml', 'subject: From the misnamed file\n'),
    ]);
    expect(result.manifest.issueFile?.applied.lead).toBe('2026-11-17-zinc.md');
    expect(result.manifest.issueFile?.applied.subject).toBeNull();
    expect(result.manifest.issueFile?.warnings).toEqual([
      'issues/2026-w47.yaml: not read: the issue file of 2026-W47 is named issues/2026-W47.yaml; move what it says into issues/2026-W47.yaml, then delete it',
    ]);
  });

  it('reports it in the manifest of a build, which otherwise runs as without one', async () => {
    const result = await build([...week(), sourceFile('issues/2026-w47.yaml', 'lead: 2026-11-16-tin.md\n')]);
    expect(files(result)[0]).toBe('2026-11-20-lithium.md');
    expect(result.manifest.issueFile?.path).toBe('issues/2026-w47.yaml');
    expect(result.manifest.issueFile?.warnings).toEqual([
      'issues/2026-w47.yaml: not read: the issue file of 2026-W47 is named issues/2026-W47.yaml; rename it',
    ]);
    expect(result.issueFile).toEqual({ path: PATH, text: null });
  });
});

describe('writing an issue file', () => {
  it.each([
    [
      'a note at the top, when the first key goes',
      '# Week 47: do not send before Friday\nlead: a.md\nmaxItems: 8\n',
      { maxItems: 8 },
      ['lead'],
      '# Week 47: do not send before Friday\nmaxItems: 8\n',
    ],
    [
      'a note alone, when the last key goes',
      '# Week 47 notes\nlead: a.md\n',
      {},
      ['lead'],
      '# Week 47 notes\n',
    ],
    [
      'a note above a key in the middle, moved to the next key',
      'lead: a.md\n# Agreed with legal\ndrop: [b.md]\nmaxItems: 3\n',
      { lead: 'a.md', maxItems: 3 },
      ['drop'],
      'lead: a.md\n# Agreed with legal\nmaxItems: 3\n',
    ],
  ] as const)('keeps %s', (_, text, settings, keys, expected) => {
    expect(formatIssueFile(settings, text, keys)).toBe(expected);
  });

  const name = fc.stringMatching(/^[a-z0-9][a-z0-9 ._/-]{0,30}\.(?:md|txt|json)$/);
  const line = fc.string({ minLength: 1, maxLength: 60 }).map((text) => text.replace(/\s+/g, ' ').trim());
  const settingsArbitrary: fc.Arbitrary<IssueFileSettings> = fc.record(
    {
      subject: line.filter((text) => text !== ''),
      preheader: line.filter((text) => text !== ''),
      intro: fc.string({ minLength: 1, maxLength: 300 }).filter((text) => text.trim() !== ''),
      lead: name,
      order: fc.array(name, { minLength: 1, maxLength: 5 }),
      drop: fc.array(name, { minLength: 1, maxLength: 5 }),
      maxItems: fc.integer({ min: 1, max: 500 }),
    },
    { requiredKeys: [] },
  );

  it('reads back what it wrote, whatever the text', () => {
    fc.assert(
      fc.property(settingsArbitrary, (written) => {
        const read = parseIssueFile(PATH, formatIssueFile(written));
        expect(read.warnings).toEqual([]);
        expect(read.settings).toEqual({
          ...written,
          ...(written.intro === undefined ? {} : { intro: written.intro.trim() }),
        });
      }),
      { numRuns: 200 },
    );
  });

  it('edits the current file: comments, key order and keys it does not know stay', () => {
    const current =
      '# Week 47, steered by Ana\nmaxItems: 8 # a short week\nlead: a.md\nreviewer: Ana\ndrop: [c.md]\n';
    const next = formatIssueFile({ maxItems: 8, lead: 'b.md', order: ['d.md'] }, current);
    expect(next).toBe(
      '# Week 47, steered by Ana\nmaxItems: 8 # a short week\nlead: b.md\nreviewer: Ana\norder:\n  - d.md\n',
    );
  });

  it('writes a new file in the order of the keys', () => {
    expect(formatIssueFile({ maxItems: 5, lead: 'a.md', subject: 'Week 47' })).toBe(
      'subject: Week 47\nlead: a.md\nmaxItems: 5\n',
    );
  });
});

describe('resolving the names in an issue file', () => {
  const issue = {
    issueId: '2026-W47',
    briefings: ['2026-11-18-copper.md', 'week47/2026-11-19-nickel.md'],
    skipped: [
      { file: '2026-11-18-copper-copy.md', reason: 'duplicate of 2026-11-18-copper.md (same content)' },
    ],
  };

  it('matches a file by its name in the source, or by a base name only one briefing has', () => {
    const steering = steerIssue(
      parseIssueFile(PATH, 'lead: 2026-11-19-nickel.md\norder: [./2026-11-18-copper.md]\n'),
      issue,
    );
    expect(steering).toMatchObject({ lead: 'week47/2026-11-19-nickel.md', order: ['2026-11-18-copper.md'] });
    expect(steering.warnings).toEqual([]);
  });

  it('warns about a name that matches no briefing, naming the key and the closest name', () => {
    const steering = steerIssue(parseIssueFile(PATH, 'order: [2026-11-18-coper.md, nothing.md]\n'), issue);
    expect(steering.order).toEqual([]);
    expect(steering.warnings).toEqual([
      `${PATH}: "order" names "2026-11-18-coper.md", which matches no briefing in 2026-W47 (did you mean "2026-11-18-copper.md"?)`,
      `${PATH}: "order" names "nothing.md", which matches no briefing in 2026-W47`,
    ]);
  });

  it('says why a named file is not in the issue when it was skipped', () => {
    const steering = steerIssue(parseIssueFile(PATH, 'drop: [2026-11-18-copper-copy.md]\n'), issue);
    expect(steering.warnings).toEqual([
      `${PATH}: "drop" names "2026-11-18-copper-copy.md", which is not in 2026-W47 (skipped: duplicate of 2026-11-18-copper.md (same content))`,
    ]);
  });

  it('keeps a dropped file out even when it is also the lead, and says so', () => {
    const steering = steerIssue(
      parseIssueFile(PATH, 'lead: 2026-11-18-copper.md\ndrop: [2026-11-18-copper.md]\n'),
      issue,
    );
    expect(steering.lead).toBeUndefined();
    expect(steering.drop).toEqual(['2026-11-18-copper.md']);
    expect(steering.warnings).toEqual([
      `${PATH}: "lead" names "2026-11-18-copper.md", which "drop" leaves out: it stays out`,
    ]);
  });
});

describe('a build with an issue file', () => {
  it('builds as before without one, and names the file it would read', async () => {
    const result = await build(week());
    expect(files(result)).toEqual([
      '2026-11-20-lithium.md',
      '2026-11-19-nickel.md',
      '2026-11-18-cobalt.md',
      '2026-11-17-zinc.md',
      '2026-11-16-tin.md',
    ]);
    expect(result.manifest.issueFile).toBeNull();
    expect(result.issueFile).toEqual({ path: PATH, text: null });
  });

  it('is not a briefing: never an item, never skipped, not counted among the sources', async () => {
    const yaml = 'lead: 2026-11-16-tin.md\n';
    const result = await build([
      ...week(),
      issueFile(yaml),
      sourceFile('issues/2026-W46.yaml', 'lead: old.md\n'),
      sourceFile('issues/notes.txt', 'Highlights\n- Not a briefing either.\n'),
    ]);
    expect(result.digest.items).toHaveLength(5);
    expect(result.digest.skipped).toEqual([]);
    expect(result.manifest.sources).toEqual({ listed: 5, read: 5 });
    expect(result.issueFile).toEqual({ path: PATH, text: yaml });
  });

  it('reads only the issue file of the period', async () => {
    const wanted: string[] = [];
    const all = [
      ...week(),
      issueFile('lead: 2026-11-16-tin.md\n'),
      sourceFile('issues/2026-W46.yaml', 'x: y\n'),
    ];
    await buildDigest(
      {
        list: async () => all.map(({ bytes: _bytes, ...listed }) => listed),
        read: async function* (listed) {
          for (const file of listed) {
            wanted.push(file.name);
            yield all.find((candidate) => candidate.name === file.name) as SourceFile;
          }
        },
      },
      templates,
      settings,
    );
    expect(wanted.filter((name) => name.startsWith('issues/'))).toEqual([PATH]);
  });

  it('leads with the lead, and the subject names it', async () => {
    const result = await build([...week(), issueFile('lead: 2026-11-17-zinc.md\n')]);
    expect(files(result)[0]).toBe('2026-11-17-zinc.md');
    expect(result.digest.subject).toBe('Week 47: Zinc stocks fall in Rotterdam (+4 more)');
    expect(result.manifest.issueFile?.applied.lead).toBe('2026-11-17-zinc.md');
  });

  it('puts the named files first, in its order, and keeps the order of the rest', async () => {
    const result = await build([
      ...week(),
      issueFile('lead: 2026-11-16-tin.md\norder: [2026-11-18-cobalt.md, 2026-11-17-zinc.md]\n'),
    ]);
    expect(files(result)).toEqual([
      '2026-11-16-tin.md',
      '2026-11-18-cobalt.md',
      '2026-11-17-zinc.md',
      '2026-11-20-lithium.md',
      '2026-11-19-nickel.md',
    ]);
    expect(result.manifest.issueFile?.applied.order).toEqual(['2026-11-18-cobalt.md', '2026-11-17-zinc.md']);
  });

  it('leaves out dropped files and lists them as skipped by the issue file', async () => {
    const result = await build([...week(), issueFile('drop: [2026-11-19-nickel.md, 2026-11-16-tin.md]\n')]);
    expect(files(result)).toEqual(['2026-11-20-lithium.md', '2026-11-18-cobalt.md', '2026-11-17-zinc.md']);
    expect(result.digest.skipped).toEqual([
      {
        file: '2026-11-16-tin.md',
        reason: 'dropped by the issue file',
        title: 'Tin smelter restarts in Bolivia',
      },
      {
        file: '2026-11-19-nickel.md',
        reason: 'dropped by the issue file',
        title: 'Nickel matte exports resume',
      },
    ]);
    expect(result.manifest.issueFile?.applied.dropped).toEqual(['2026-11-19-nickel.md', '2026-11-16-tin.md']);
  });

  it('uses its subject and preheader instead of the ones made from the items', async () => {
    const result = await build([
      ...week(),
      issueFile('subject: "Week 47: smelters & permits"\npreheader: Five stories from the metals desk\n'),
    ]);
    expect(result.digest.subject).toBe('Week 47: smelters & permits');
    expect(result.manifest.preheader).toBe('Five stories from the metals desk');
    expect(result.output?.html).toContain('<title>Week 47: smelters &amp; permits</title>');
  });

  it('shows its intro under the masthead, as safe Markdown, in the HTML and the text', async () => {
    const result = await build([
      ...week(),
      issueFile(
        'intro: |\n  A **short** week <script>alert(1)</script>.\n\n  Read [the notes](https://metals.example/notes) or [not](javascript:alert(1)).\n',
      ),
    ]);
    const html = result.output?.html ?? '';
    expect(html).toContain('A <strong>short</strong> week &lt;script&gt;alert(1)&lt;/script&gt;.');
    expect(html).toContain('href="https://metals.example/notes"');
    expect(activeContent(html)).toEqual([]);
    expect(html.indexOf('A <strong>short</strong>')).toBeLessThan(html.indexOf('This week at a glance'));
    expect(result.output?.text).toContain(
      'A short week <script>alert(1)</script>.\n\nRead the notes (https://metals.example/notes) or not.',
    );
  });

  it('shows the first maxItems stories in full and the rest as "More this week" links', async () => {
    const result = await build([...week(), issueFile('maxItems: 2\n')]);
    expect(result.manifest.maxItems).toBe(2);
    expect(result.manifest.beyondMaxItems).toEqual(result.digest.items.slice(2).map((item) => item.id));
    expect(result.manifest.collapsedItems).toEqual([]);
    expect(result.output?.html).toContain('More this week');
    expect(result.output?.text).toContain('MORE THIS WEEK\n- Cobalt hydroxide prices steady');
  });

  it('caps the stories in full at the maxItems setting when the issue file does not say', async () => {
    const result = await build(week(), { maxItems: 4 });
    expect(result.manifest.maxItems).toBe(4);
    expect(result.manifest.beyondMaxItems).toHaveLength(1);
    const uncapped = await build(week());
    expect(uncapped.manifest.maxItems).toBe(12);
    expect(uncapped.manifest.beyondMaxItems).toEqual([]);
  });

  it('records in the manifest what it changed and what it could not use', async () => {
    const result = await build([
      ...week(),
      issueFile('lead: 2026-11-16-tin.md\nordr: [zinc.md]\ndrop: [2026-11-19-nickle.md]\nmaxItems: 4\n'),
    ]);
    expect(result.manifest.issueFile).toEqual({
      path: PATH,
      applied: {
        subject: null,
        preheader: null,
        intro: null,
        lead: '2026-11-16-tin.md',
        order: [],
        dropped: [],
        maxItems: 4,
      },
      warnings: [
        `${PATH}: "ordr" is not a key of an issue file (did you mean "order"?)`,
        `${PATH}: "drop" names "2026-11-19-nickle.md", which matches no briefing in 2026-W47 (did you mean "2026-11-19-nickel.md"?)`,
      ],
    });
  });

  it('still builds when the file is not valid YAML, and says where it broke', async () => {
    const result = await build([...week(), issueFile('lead: 2026-11-16-tin.md\norder: [a.md\n')]);
    expect(result.digest.items).toHaveLength(5);
    expect(files(result)[0]).toBe('2026-11-20-lithium.md');
    expect(result.manifest.issueFile?.warnings).toEqual([
      expect.stringMatching(
        /^issues\/2026-W47\.yaml \(line \d\): not valid YAML \(.+\): fix it; this build ran without it$/,
      ),
    ]);
  });

  it('has none for --all, whose issue id depends on its items', async () => {
    const result = await build([...week(), sourceFile('issues/all.yaml', 'maxItems: 1\n')], {
      period: { kind: 'all' },
    });
    expect(result.issueFile).toBeNull();
    expect(result.manifest.issueFile).toBeNull();
    expect(result.digest.items).toHaveLength(5);
  });
});
