import { groupStories } from '../src/core/digest/group.js';
import { resolvePeriod } from '../src/core/digest/period.js';
import { selectBriefings } from '../src/core/digest/select.js';
import type { Briefing } from '../src/core/types.js';
import { median, timed } from './measure.js';

export interface GroupFigure {
  briefings: number;
  groupMs: number;
  /** The near-duplicate pass over the same briefings (an index by word): what near-linear costs. */
  baselineMs: number;
  ratio: number;
  groups: number;
  /** Events the generator reported twice or more. */
  events: number;
}

const COUNTRIES = [
  'Chile',
  'Peru',
  'Congo',
  'Indonesia',
  'Australia',
  'Canada',
  'Zambia',
  'Brazil',
  'Norway',
];
const METALS = ['copper', 'nickel', 'cobalt', 'lithium', 'zinc', 'tin', 'gallium', 'graphite'];
const SYLLABLES = ['ka', 'ro', 'mi', 'ten', 'vax', 'lo', 'dur', 'sel', 'qua', 'bri', 'nor', 'zel'];
const OUTLETS = ['Metal Desk', 'Andes Wire', 'Mining Ledger', 'Copper Notes', 'Ore Weekly'];

/** An invented company or mine name, different for each number. */
function name(index: number): string {
  let text = '';
  for (let rest = index + SYLLABLES.length; rest > 0; rest = Math.floor(rest / SYLLABLES.length))
    text += SYLLABLES[rest % SYLLABLES.length];
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A week of `size` briefings, all in the period and all different: 300 companies, 40 mines and
 * common figures shared at random across unrelated stories (the look-alikes grouping must keep
 * apart), and one event in ten reported again in other words by another outlet.
 */
export function generateWeek(size: number): { briefings: Briefing[]; events: number } {
  const random = seeded(47);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const briefings: Briefing[] = [];
  let events = 0;
  for (let index = 0; briefings.length < size; index++) {
    const company = name(Math.floor(random() * 300));
    const mine = `${name(1000 + Math.floor(random() * 40))} mine`;
    const country = pick(COUNTRIES);
    const metal = pick(METALS);
    const percent = `${Math.floor(random() * 23) + 1}.${Math.floor(random() * 10)}%`;
    const tonnes = `${(10 + Math.floor(random() * 900)) * 100} tonnes`;
    const date = new Date(Date.UTC(2026, 10, 16 + Math.floor(random() * 7), 9));
    briefings.push(
      briefing(`story-${index}.md`, `${company} ${metal} output up`, date, pick(OUTLETS), [
        `${company} said ${metal} output at its ${mine} in ${country} rose ${percent} to ${tonnes} in story ${index}.`,
        `Buyers were waiting for the ${index % 2 ? 'quarterly' : 'annual'} contracts before committing.`,
      ]),
    );
    if (index % 10 === 0 && briefings.length < size) {
      events++;
      briefings.push(
        briefing(`story-${index}-again.md`, `More ${metal} from the ${mine}`, date, pick(OUTLETS), [
          `Production of ${metal} at the ${mine} climbed ${percent}, reaching ${tonnes}, according to ${company}.`,
          `The ${country} operation had been slowed by repairs in story ${index}.`,
        ]),
      );
    }
  }
  return { briefings, events };
}

/** A small seeded generator (mulberry32): the same week every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function briefing(file: string, title: string, date: Date, source: string, highlights: string[]): Briefing {
  return {
    id: file,
    file,
    format: 'markdown',
    title,
    titleOrigin: 'metadata',
    date,
    dateOrigin: 'metadata',
    source,
    tags: [],
    highlights,
    paragraphs: [],
    repairs: [],
  };
}

/**
 * Grouping N briefings of one week (facts, index by fact, comparisons), against the near-duplicate
 * pass on the same briefings, measured in the same run.
 */
export async function benchGrouping(sizes: number[]): Promise<GroupFigure[]> {
  const period = resolvePeriod(
    { kind: 'week', week: '2026-W47' },
    { now: new Date('2026-11-23T08:00:00Z'), timeZone: 'UTC', dates: [] },
  );
  const warm = generateWeek(200).briefings;
  for (let round = 0; round < 3; round++) {
    groupStories(warm);
    selectBriefings(warm, period);
  }
  const figures: GroupFigure[] = [];
  for (const size of sizes) {
    const { briefings, events } = generateWeek(size);
    const rounds = size >= 5000 ? 3 : 5;
    const grouping: number[] = [];
    const baselines: number[] = [];
    let groups = 0;
    for (let round = 0; round < rounds; round++) {
      const grouped = await timed(async () => groupStories(briefings));
      grouping.push(grouped.ms);
      groups = grouped.value.groups.length;
      baselines.push((await timed(async () => selectBriefings(briefings, period))).ms);
    }
    const groupMs = median(grouping);
    const baselineMs = median(baselines);
    figures.push({ briefings: size, groupMs, baselineMs, ratio: groupMs / baselineMs, groups, events });
  }
  return figures;
}
