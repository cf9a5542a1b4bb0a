import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const METALS = [
  'copper',
  'nickel',
  'cobalt',
  'lithium',
  'graphite',
  'manganese',
  'tin',
  'zinc',
  'tungsten',
  'gallium',
  'antimony',
  'vanadium',
];
const PLACES = [
  'Chile',
  'Peru',
  'Congo',
  'Indonesia',
  'Australia',
  'Canada',
  'Kazakhstan',
  'Zambia',
  'Brazil',
  'Norway',
  'Finland',
  'Morocco',
];
const VERBS = [
  'rose',
  'fell',
  'doubled',
  'slowed',
  'recovered',
  'stalled',
  'jumped',
  'eased',
  'climbed',
  'dipped',
];

/** A realistic-size briefing (about 1.5 KB) in one of the three formats, different for every index. */
function briefing(index: number, weekStart = Date.UTC(2026, 10, 16)): { name: string; content: string } {
  const metal = METALS[index % METALS.length];
  const place = PLACES[Math.floor(index / METALS.length) % PLACES.length];
  const verb = VERBS[index % VERBS.length];
  const day = new Date(weekStart + (index % 7) * 86_400_000).toISOString().slice(0, 10);
  const title = `${place} ${metal} output ${verb} in October, report ${index} says`;
  const highlights = [
    `${place}’s ${metal} output ${verb} ${index % 17}% year on year in October, according to figures released on ${['Monday', 'Tuesday', 'Wednesday'][index % 3]}.`,
    `Exporters said new ${metal} quotas — expected since spring — would be set in report ${index}’s follow-up.`,
    `Buyers in ${PLACES[(index + 3) % PLACES.length]} held back, waiting for prices to settle near ${1000 + index} dollars a tonne.`,
  ];
  const body = Array.from(
    { length: 4 },
    (_, paragraph) =>
      `Paragraph ${paragraph} of report ${index}: the ${metal} market in ${place} ${verb} as smelters adjusted to power prices, while traders in ${PLACES[(index + paragraph) % PLACES.length]} watched inventories (opens in a new tab) and shipping schedules closely.`,
  );
  const date = day;
  switch (index % 3) {
    case 0:
      return {
        name: `${date}-report-${index}.txt`,
        content: `${title}\nHighlights\n${highlights.map((line) => `- ${line}`).join('\n')}\n${body.join('\n')}\nDisclaimer: figures are preliminary.\n3 Comments\n`,
      };
    case 1:
      return {
        name: `${date}-report-${index}.md`,
        content: `---\ntitle: ${JSON.stringify(title)}\nsource: Metals Desk\nurl: https://example.com/report/${index}\n---\n\n## Highlights\n\n${highlights.map((line) => `- ${line}`).join('\n')}\n\n${body.join('\n\n')}\n`,
      };
    default:
      return {
        name: `${date}-report-${index}.json`,
        content: JSON.stringify({ title, source: 'Metals Desk', highlights, body: body.join('\n\n') }),
      };
  }
}

/**
 * An archive: `weeks` weeks of `perWeek` briefings each, ending with ISO week 2026-W47
 * (16–22 November), every one different. Returns the folder and the last week's file names.
 */
export function generateArchive(
  folder: string,
  weeks: number,
  perWeek: number,
): { folder: string; lastWeek: string[] } {
  mkdirSync(folder, { recursive: true });
  const lastWeek: string[] = [];
  for (let week = 0; week < weeks; week++) {
    const weekStart = Date.UTC(2026, 10, 16) - (weeks - 1 - week) * 7 * 86_400_000;
    for (let index = 0; index < perWeek; index++) {
      const { name, content } = briefing(week * perWeek + index, weekStart);
      writeFileSync(join(folder, name), content);
      if (week === weeks - 1) lastWeek.push(name);
    }
  }
  return { folder, lastWeek };
}

/** Writes `count` briefings into a new folder and returns it. */
export function generateBriefings(folder: string, count: number): string {
  mkdirSync(folder, { recursive: true });
  for (let index = 0; index < count; index++) {
    const { name, content } = briefing(index);
    writeFileSync(join(folder, name), content);
  }
  return folder;
}
