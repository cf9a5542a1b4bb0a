import { describe, expect, it } from 'vitest';
import { formatIssueFile, parseIssueFile } from '../../src/core/digest/issue-file.js';
import {
  applySteerAction,
  changedKeys,
  issueFileVersion,
  readSteerAction,
  type ShownIssue,
  SteerError,
} from '../../src/core/digest/steer-actions.js';

const PATH = 'issues/2026-W47.yaml';
/** Three stories shown newest first, one briefing grouped into the copper story, one dropped. */
const SHOWN: ShownIssue = {
  issueId: '2026-W47',
  path: PATH,
  stories: ['2026-11-19-nickel.md', 'week47/2026-11-18-copper.md', '2026-11-16-tin.md'],
  lead: null,
  dropped: ['week47/2026-11-17-zinc.md'],
  briefings: [
    '2026-11-16-tin.md',
    'week47/2026-11-17-zinc.md',
    'week47/2026-11-18-copper.md',
    '2026-11-18-copper-wire.md',
    '2026-11-19-nickel.md',
  ],
  dates: {
    '2026-11-16-tin.md': '2026-11-16T09:00:00.000Z',
    'week47/2026-11-18-copper.md': '2026-11-18T09:00:00.000Z',
    '2026-11-19-nickel.md': '2026-11-19T09:00:00.000Z',
  },
};
const LED: ShownIssue = {
  ...SHOWN,
  lead: '2026-11-16-tin.md',
  stories: ['2026-11-16-tin.md', '2026-11-19-nickel.md', 'week47/2026-11-18-copper.md'],
};

describe('steering actions from the preview', () => {
  it('pins a story as the lead, and unpinning takes the key out', () => {
    const pinned = applySteerAction({}, { action: 'pin', file: '2026-11-16-tin.md' }, SHOWN);
    expect(pinned).toEqual({ lead: '2026-11-16-tin.md' });
    expect(applySteerAction(pinned, { action: 'unpin' }, LED)).toEqual({});
  });

  it('puts an unpinned lead that an order names first back where its date puts it', () => {
    // A move wrote the whole order, lead first: unpinning tin (the oldest) sends it to the end.
    const moved = { lead: '2026-11-16-tin.md', order: [...LED.stories] };
    expect(applySteerAction(moved, { action: 'unpin' }, LED)).toEqual({
      order: ['2026-11-19-nickel.md', 'week47/2026-11-18-copper.md', '2026-11-16-tin.md'],
    });
    // Copper pinned above a reordered list goes back before the first story older than it.
    const copperLed: ShownIssue = {
      ...SHOWN,
      lead: 'week47/2026-11-18-copper.md',
      stories: ['week47/2026-11-18-copper.md', '2026-11-16-tin.md', '2026-11-19-nickel.md'],
    };
    const reordered = { lead: 'week47/2026-11-18-copper.md', order: [...copperLed.stories] };
    expect(applySteerAction(reordered, { action: 'unpin' }, copperLed)).toEqual({
      order: ['week47/2026-11-18-copper.md', '2026-11-16-tin.md', '2026-11-19-nickel.md'],
    });
  });

  it('leaves a hand-written order that does not name the lead as it is', () => {
    const settings = { lead: '2026-11-16-tin.md', order: ['2026-11-19-nickel.md'] };
    expect(applySteerAction(settings, { action: 'unpin' }, LED)).toEqual({ order: ['2026-11-19-nickel.md'] });
  });

  it('moves a story by one and writes the whole order shown, so the result is deterministic', () => {
    // Arrange
    const settings = { order: ['tin.md'], subject: 'Week 47' };
    // Act
    const down = applySteerAction(
      settings,
      { action: 'move', file: '2026-11-19-nickel.md', direction: 'down' },
      SHOWN,
    );
    // Assert
    expect(down).toEqual({
      subject: 'Week 47',
      order: ['week47/2026-11-18-copper.md', '2026-11-19-nickel.md', '2026-11-16-tin.md'],
    });
    expect(
      applySteerAction({}, { action: 'move', file: '2026-11-16-tin.md', direction: 'up' }, SHOWN).order,
    ).toEqual(['2026-11-19-nickel.md', '2026-11-16-tin.md', 'week47/2026-11-18-copper.md']);
  });

  it.each([
    ['the first story up', SHOWN, '2026-11-19-nickel.md', 'up', '"2026-11-19-nickel.md" is already first'],
    ['the last story down', SHOWN, '2026-11-16-tin.md', 'down', '"2026-11-16-tin.md" is already last'],
    ['the lead', LED, '2026-11-16-tin.md', 'down', '"2026-11-16-tin.md" is the lead: unpin it to move it'],
    [
      'a story above the lead',
      LED,
      '2026-11-19-nickel.md',
      'up',
      '"2026-11-19-nickel.md" cannot go above the lead: pin it as the lead instead',
    ],
  ] as const)('refuses to move %s', (_, issue, file, direction, message) => {
    expect(() => applySteerAction({}, { action: 'move', file, direction }, issue)).toThrow(
      new SteerError(message),
    );
  });

  it('drops a story, and a dropped lead is no longer the lead nor in the order', () => {
    const settings = {
      lead: 'tin.md',
      order: ['2026-11-16-tin.md', '2026-11-19-nickel.md'],
      drop: ['2026-11-17-zinc.md'],
    };
    expect(applySteerAction(settings, { action: 'drop', file: '2026-11-16-tin.md' }, LED)).toEqual({
      order: ['2026-11-19-nickel.md'],
      drop: ['2026-11-17-zinc.md', '2026-11-16-tin.md'],
    });
    expect(applySteerAction({}, { action: 'drop', file: '2026-11-19-nickel.md' }, SHOWN)).toEqual({
      drop: ['2026-11-19-nickel.md'],
    });
  });

  it('restores a dropped briefing however the file names it, and an empty drop list goes', () => {
    expect(
      applySteerAction(
        { drop: ['2026-11-17-zinc.md', './week47/2026-11-17-zinc.md'], lead: 'a.md' },
        { action: 'restore', file: 'week47/2026-11-17-zinc.md' },
        SHOWN,
      ),
    ).toEqual({ lead: 'a.md' });
  });

  it('edits the subject, preheader and intro, and an empty text takes the key out', () => {
    const settings = { subject: 'Old', intro: 'Hello' };
    expect(
      applySteerAction(settings, { action: 'edit', field: 'subject', value: '  Week 47: tin  ' }, SHOWN),
    ).toEqual({
      subject: 'Week 47: tin',
      intro: 'Hello',
    });
    expect(
      applySteerAction(settings, { action: 'edit', field: 'intro', value: 'One.\r\n\r\nTwo.' }, SHOWN),
    ).toEqual({
      subject: 'Old',
      intro: 'One.\n\nTwo.',
    });
    expect(applySteerAction(settings, { action: 'edit', field: 'subject', value: '   ' }, SHOWN)).toEqual({
      intro: 'Hello',
    });
    expect(applySteerAction({}, { action: 'edit', field: 'preheader', value: 'Tin is back' }, SHOWN)).toEqual(
      {
        preheader: 'Tin is back',
      },
    );
  });

  it.each([
    [
      'subject',
      'Week 47\r\nBcc: everyone@example.org',
      'the subject must be one line: remove the line break or control character',
    ],
    [
      'preheader',
      'Tin\u2028is back',
      'the preheader must be one line: remove the line break or control character',
    ],
    ['intro', 'Bell\u0007', 'the intro has a control character: remove it'],
    [
      'subject',
      'Week 47: \u202Etxt.exe',
      'the subject has an invisible or direction-changing character (U+202E): remove it',
    ],
    [
      'preheader',
      'Tin\u200Bis back',
      'the preheader has an invisible or direction-changing character (U+200B): remove it',
    ],
    ['subject', 'x'.repeat(79), 'the subject is 79 characters; at most 78 fit: shorten it'],
    ['preheader', 'é'.repeat(111), 'the preheader is 111 characters; at most 110 fit: shorten it'],
    ['intro', 'word '.repeat(241), 'the intro is 1204 characters; at most 1200 fit: shorten it'],
  ] as const)('refuses a %s of %j', (field, value, message) => {
    expect(() => applySteerAction({}, { action: 'edit', field, value }, SHOWN)).toThrow(
      new SteerError(message),
    );
  });

  it('keeps the joiners emoji and scripts need in a subject', () => {
    const subject = 'Week 47: 👩\u200D🔬 labs, and می\u200Cخواهم';
    expect(applySteerAction({}, { action: 'edit', field: 'subject', value: subject }, SHOWN).subject).toBe(
      subject,
    );
  });

  it('takes texts at their limits, which the issue file reads back unchanged', () => {
    const subject = `Week 47: ${'ü'.repeat(69)}`;
    const settings = applySteerAction({}, { action: 'edit', field: 'subject', value: subject }, SHOWN);
    const read = parseIssueFile(PATH, formatIssueFile(settings));
    expect(read).toEqual({ path: PATH, settings: { subject }, warnings: [] });
  });

  it.each([
    [
      'pin',
      { action: 'pin', file: '2026-11-17-zinc.md' },
      '"2026-11-17-zinc.md" is not a story of 2026-W47: reload the preview and pick one from its list',
    ],
    [
      'drop',
      { action: 'drop', file: '../secrets.md' },
      '"../secrets.md" is not a story of 2026-W47: reload the preview and pick one from its list',
    ],
    [
      'move',
      { action: 'move', file: 'nickel.md', direction: 'up' },
      '"nickel.md" is not a story of 2026-W47: reload the preview and pick one from its list',
    ],
    [
      'restore',
      { action: 'restore', file: '2026-11-16-tin.md' },
      '"2026-11-16-tin.md" is not dropped in issues/2026-W47.yaml: reload the preview',
    ],
  ] as const)('refuses to %s a file that is not one of the issue', (_, action, message) => {
    expect(() => applySteerAction({}, action, SHOWN)).toThrow(new SteerError(message));
  });
});

describe('reading an action from the preview', () => {
  it.each([
    [
      { action: 'pin', file: 'a.md' },
      { action: 'pin', file: 'a.md' },
    ],
    [{ action: 'unpin', file: 'ignored.md' }, { action: 'unpin' }],
    [
      { action: 'move', file: 'a.md', value: 'up' },
      { action: 'move', file: 'a.md', direction: 'up' },
    ],
    [
      { action: 'restore', file: 'a.md' },
      { action: 'restore', file: 'a.md' },
    ],
    [
      { action: 'edit', field: 'intro', value: '' },
      { action: 'edit', field: 'intro', value: '' },
    ],
  ])('reads %j', (body, action) => {
    expect(readSteerAction(body)).toEqual(action);
  });

  it.each([
    [
      { action: 'rename', file: 'a.md' },
      '"rename" is not an action: use pin, unpin, move, drop, restore, edit',
    ],
    [{ action: 'drop' }, '"drop" needs the file of a story'],
    [{ action: 'move', file: 'a.md', value: 'left' }, 'a move goes "up" or "down"'],
    [{ action: 'edit', field: 'maxItems', value: '3' }, 'only subject, preheader, intro can be edited here'],
    [{ action: 'edit', field: 'subject', value: 3 }, 'give the new subject as text'],
  ])('refuses %j in one line', (body, message) => {
    expect(() => readSteerAction(body)).toThrow(new SteerError(message));
  });
});

describe('writing an action back', () => {
  it('keeps comments, key order, unknown keys and values it could not use; only changed keys are written', () => {
    // Arrange: a file an editor wrote by hand.
    const current = [
      '# Week 47, steered by Ana',
      'subject: Old subject # shorten later',
      'reviewer: Ana',
      'order: [tin.md] # tin first',
      'maxItems: lots',
      'drop:',
      '  - 2026-11-17-zinc.md # a press release',
      '',
    ].join('\n');
    const before = parseIssueFile(PATH, current).settings;
    // Act
    const after = applySteerAction(
      before,
      { action: 'edit', field: 'subject', value: 'Week 47: tin is back' },
      SHOWN,
    );
    const keys = changedKeys(before, after);
    const written = formatIssueFile(after, current, keys);
    // Assert
    expect(keys).toEqual(['subject']);
    // The new subject is quoted: unquoted, its ": " would make it a mapping.
    expect(written).toBe(current.replace('subject: Old subject', 'subject: "Week 47: tin is back"'));
  });

  it('adds a key the file did not have and removes one an action emptied, leaving the rest', () => {
    const current = '# Week 47\nreviewer: Ana # keep\ndrop: [2026-11-17-zinc.md]\n';
    const before = parseIssueFile(PATH, current).settings;
    const restored = applySteerAction(
      before,
      { action: 'restore', file: 'week47/2026-11-17-zinc.md' },
      SHOWN,
    );
    const pinned = applySteerAction(restored, { action: 'pin', file: '2026-11-16-tin.md' }, SHOWN);
    expect(formatIssueFile(pinned, current, changedKeys(before, pinned))).toBe(
      '# Week 47\nreviewer: Ana # keep\nlead: 2026-11-16-tin.md\n',
    );
  });

  it('keeps a file of comments only, and leaves an empty file rather than {} when the last key goes', () => {
    const notes = '# Week 47: ask Ana before pinning\n';
    const pinned = formatIssueFile({ lead: 'a.md' }, notes, ['lead']);
    expect(pinned).toBe('# Week 47: ask Ana before pinning\n\nlead: a.md\n');
    expect(formatIssueFile({}, pinned, ['lead'])).toBe(notes);
    expect(formatIssueFile({}, 'lead: a.md\n', ['lead'])).toBe('');
    expect(parseIssueFile(PATH, '')).toEqual({ path: PATH, settings: {}, warnings: [] });
  });

  it('fingerprints the text at its path, telling an empty file from a missing one', () => {
    const versions = [
      issueFileVersion(PATH, null),
      issueFileVersion(PATH, ''),
      issueFileVersion(PATH, 'lead: a.md\n'),
      issueFileVersion('issues/2026-W46.yaml', 'lead: a.md\n'),
    ];
    expect(new Set(versions).size).toBe(4);
    expect(issueFileVersion(PATH, 'lead: a.md\n')).toBe(versions[2]);
    expect(versions[0]).toMatch(/^[\w-]{22}$/);
  });
});
