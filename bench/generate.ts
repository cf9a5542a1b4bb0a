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
function briefing(index: number): { name: string; content: string } {
  const metal = METALS[index % METALS.length];
  const place = PLACES[Math.floor(index / METALS.length) % PLACES.length];
  const verb = VERBS[index % VERBS.length];
  const day = 16 + (index % 7);
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
  const date = `2026-11-${day}`;
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

/** Writes `count` briefings into a new folder and returns it. */
export function generateBriefings(folder: string, count: number): string {
  mkdirSync(folder, { recursive: true });
  for (let index = 0; index < count; index++) {
    const { name, content } = briefing(index);
    writeFileSync(join(folder, name), content);
  }
  return folder;
}
