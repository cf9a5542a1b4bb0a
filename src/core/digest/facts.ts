import type { Briefing } from '../types.js';
import { placeOf } from './places.js';

/**
 * The facts of a briefing that say which event it reports, read from its title, highlights and
 * lead paragraph (or first paragraphs, when it has no highlights): names, figures, countries and the words
 * about what happened. Grouping compares these (README "Grouping").
 */
export interface Facts {
  /** Names of companies, people, mines, places below country level: key → as written. */
  names: Map<string, string>;
  /** Figures with their unit, normalised (`3 percent` → `3%`, `US$1.2 billion` → `$1.2bn`). */
  figures: Set<string>;
  /** Countries, named or by their adjective (`Chilean` → `Chile`). */
  places: Set<string>;
  /** Word stems about what happened (`collapsed` → `collap`), without names and filler. */
  words: Set<string>;
  /** Calendar days the text names (`on Dec 18`, `18 December`), as days of a leap year (1–366). */
  dates: Set<number>;
  /** What kind of event it reports (`fire`, `strike`, `deal`…; see `EVENT_KINDS`), when it says. */
  kinds: Set<string>;
  /** The commodities it names (`copper`, `iron ore`…; see `COMMODITIES`). */
  commodities: Set<string>;
}

/**
 * The facts of each briefing, in order. A capitalised word starting a sentence counts as a name
 * only when some briefing of the set also writes it capitalised mid-sentence (`Exporters held
 * back` is no name; `Codelco said` is, once any briefing says `state miner Codelco`), so the
 * result depends on the set, never on its order.
 */
export function factsOf(briefings: readonly Briefing[]): Facts[] {
  const texts = briefings.map(textsOf);
  const lexicon = new Set<string>();
  for (const segments of texts)
    for (const segment of segments) if (segment.names) collectMidSentenceCapitals(segment.text, lexicon);
  return texts.map((segments, index) => {
    const facts: Facts = {
      names: new Map(),
      figures: new Set(),
      places: new Set(),
      words: new Set(),
      dates: new Set(),
      kinds: new Set(),
      commodities: new Set(),
    };
    const source = normalise(briefings[index]?.source ?? '');
    for (const segment of segments) {
      readNamesAndWords(segment, lexicon, facts);
      for (const figure of figuresIn(segment.text)) facts.figures.add(figure);
    }
    // Days, kinds and commodities are looked for once in the whole text: dozens of patterns each.
    const whole = segments.map((segment) => segment.text).join('\n');
    for (const day of datesIn(whole)) facts.dates.add(day);
    for (const kind of eventKindsIn(whole)) facts.kinds.add(kind);
    for (const commodity of commoditiesIn(whole)) facts.commodities.add(commodity);
    // A briefing naming its own source (`told Andes Wire`) says nothing about the event.
    if (source) for (const key of [source, headOf(source)]) facts.names.delete(key);
    return facts;
  });
}

interface Segment {
  text: string;
  /** False for a title in Title Case: its capitals say nothing about names. */
  names: boolean;
}

function textsOf(briefing: Briefing): Segment[] {
  // The highlights and the lead paragraph, where a briefing names who, where and how much.
  const body =
    briefing.highlights.length > 0
      ? [...briefing.highlights, ...briefing.paragraphs.slice(0, 1)]
      : briefing.paragraphs.slice(0, 3);
  return [
    { text: plain(briefing.title), names: !isTitleCase(briefing.title) },
    ...body.map((text) => ({ text: plain(text), names: true })),
  ];
}

/** Inline Markdown to its words, cheaply: grouping reads every briefing of the period. */
function plain(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~\\]+/g, '')
    .replace(/\s+/g, ' ');
}

function isTitleCase(title: string): boolean {
  const words = title.match(/\p{L}{4,}/gu) ?? [];
  const capitalised = words.filter((word) => /^\p{Lu}/u.test(word)).length;
  return words.length >= 3 && capitalised / words.length >= 0.7;
}

const TOKEN = /(?:\p{Lu}\.){2,}|[\p{L}\p{M}\p{N}]+(?:['’&-][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;
const SENTENCE_END = /^[.!?…:;]$/;
const isPunctuation = (token: string) => !/[\p{L}\p{N}]/u.test(token);
/** Lower-case words that join the capitalised words of one name: `Bank of England`, `Banco de Chile`. */
const CONNECTORS = new Set([
  'of',
  'de',
  'del',
  'da',
  'do',
  'dos',
  'das',
  'la',
  'le',
  'van',
  'von',
  'der',
  '&',
]);
/** Capitalised words that are no names: they split a run of capitals. */
const NOT_NAMES = new Set(
  (
    'the a an in on at for by to from with as and or but this that these those it its he she they we i ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july ' +
    'august september october november december jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr prof president minister chief executive ' +
    'officer chairman ceo cfo chair sir lord'
  ).split(' '),
);

function tokensOf(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

const isCapitalised = (token: string) => /^\p{Lu}/u.test(token) && !/\p{N}/u.test(token);
const isAcronym = (token: string) => /^(?:\p{Lu}\.?){2,}$/u.test(token);
const withoutPossessive = (token: string) => token.replace(/['’]s$/u, '');

/** Adds the capitalised words that stand mid-sentence, where capitals mean names. */
function collectMidSentenceCapitals(text: string, lexicon: Set<string>): void {
  let initial = true;
  for (const token of tokensOf(text)) {
    if (SENTENCE_END.test(token)) initial = true;
    // Punctuation (`"`, `(`, `#`, `•`) does not start a sentence's words.
    else if (isPunctuation(token)) continue;
    else {
      if (!initial && isCapitalised(token)) lexicon.add(withoutPossessive(token).toLowerCase());
      initial = false;
    }
  }
}

function readNamesAndWords(segment: Segment, lexicon: Set<string>, facts: Facts): void {
  let run: string[] = [];
  let runIsInitial = false;
  let initial = true;
  const finish = () => {
    if (run.length > 0) addRun(run, runIsInitial, segment.names, lexicon, facts);
    run = [];
  };
  // `US$9 billion` names no country.
  for (const token of tokensOf(segment.text.replace(/\b[A-Z]{1,2}\$/g, '$'))) {
    if (SENTENCE_END.test(token)) {
      finish();
      initial = true;
      continue;
    }
    const lower = token.toLowerCase();
    if (isPunctuation(token) && !(run.length > 0 && CONNECTORS.has(lower))) {
      finish();
      continue;
    }
    if (isCapitalised(token) && !NOT_NAMES.has(lower)) {
      if (run.length === 0) runIsInitial = initial;
      run.push(withoutPossessive(token));
      // A possessive ends the name: `Chile's Codelco` is two.
      if (withoutPossessive(token) !== token) finish();
    } else if (run.length > 0 && CONNECTORS.has(lower)) {
      run.push(lower);
    } else {
      finish();
      if (!isCapitalised(token)) addWord(lower, facts);
    }
    initial = false;
  }
  finish();
}

function addRun(
  words: string[],
  initial: boolean,
  namesAllowed: boolean,
  lexicon: Set<string>,
  facts: Facts,
): void {
  const run = [...words];
  while (run.length > 0 && CONNECTORS.has(run.at(-1) ?? '')) run.pop();
  const first = run[0] ?? '';
  // A sentence's first word is capitalised anyway: a name only if written so mid-sentence too,
  // or if the capitals go on (`Halvard Metals raised…` is one name, not `Metals`).
  const continued = run.length >= 2 && !CONNECTORS.has(run[1] ?? '');
  if (
    initial &&
    !continued &&
    !lexicon.has(first.toLowerCase()) &&
    !isAcronym(first) &&
    !placeOf(first.toLowerCase())
  ) {
    addWord(first.toLowerCase(), facts);
    run.shift();
  }
  while (run.length > 0 && CONNECTORS.has(run[0] ?? '')) run.shift();
  if (run.length === 0) return;
  const written = run.join(' ');
  // `Chile`, or a list of countries with no comma (`Chile Peru Congo`): places, never a name.
  const places = countriesOnly(run);
  if (places) {
    for (const place of places) facts.places.add(place);
    return;
  }
  const leading = placeOf((run[0] ?? '').toLowerCase()) ?? placeOf(run.slice(0, 2).join(' ').toLowerCase());
  if (leading) facts.places.add(leading);
  if (!namesAllowed) return;
  const key = normalise(written);
  facts.names.set(key, written);
  const head = headOf(key);
  if (head !== key && !placeOf(head)) facts.names.set(head, run[0] ?? head);
}

/** The countries a run of capitalised words consists of, or undefined when it holds anything else. */
function countriesOnly(run: readonly string[]): string[] | undefined {
  const places: string[] = [];
  let index = 0;
  while (index < run.length) {
    // Longest first: `Burkina Faso`, `Democratic Republic of the Congo`.
    let found: { place: string; length: number } | undefined;
    for (let length = Math.min(6, run.length - index); length >= 1 && !found; length--) {
      const place = placeOf(
        run
          .slice(index, index + length)
          .join(' ')
          .toLowerCase(),
      );
      if (place) found = { place, length };
    }
    if (!found) return undefined;
    places.push(found.place);
    index += found.length;
  }
  return places.length > 0 ? places : undefined;
}

/**
 * The part of a name that two briefings share when they write it differently (`Teck` and
 * `Teck Resources`, `Kamoto` and `Kamoto Copper Company`): its first word, unless that word is
 * too short or too common to stand for the name (`El Teniente`, `New York`).
 */
export function headOf(key: string): string {
  const first = key.split(' ')[0] ?? key;
  return first.length >= 4 && !GENERIC_HEADS.has(first) ? first : key;
}

const GENERIC_HEADS = new Set(
  'north south east west central national united general first great royal state new san santa saint port mount lake upper lower greater'.split(
    ' ',
  ),
);

function normalise(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[-‐–]/g, ' ')
    .replace(/[.]/g, '')
    .trim();
}

/** Filler that says nothing about which event a story reports. */
const FILLER = new Set(
  (
    'about above after again against also among amid around because been before being below between both ' +
    'could does down during each even from further have having here into itself just like made make many ' +
    'more most much must near news only other over said says same should since some still such than that ' +
    'their them then there these they this those through under until very were what when where which while ' +
    'will with within without would year years week weeks month months today percent cent million billion ' +
    'thousand according report reported reports expected company companies per also told added including new'
  ).split(' '),
);

function addWord(word: string, facts: Facts): void {
  if (word.length < 4 || !/^\p{L}+$/u.test(word) || FILLER.has(word)) return;
  facts.words.add(stem(word));
}

/** A crude English stem, enough to meet `collapse`/`collapsed`, `smelter`/`smelters`. */
function stem(word: string): string {
  const stripped = word.endsWith('ies')
    ? `${word.slice(0, -3)}y`
    : word.replace(/(?:ing|ed|es|s|e)$/u, (suffix) => (word.length - suffix.length >= 3 ? '' : suffix));
  return stripped.slice(0, 6);
}

const FIGURE =
  /(?<![\p{L}\p{N}.,$€£¥])(?<currency>US\$|A\$|C\$|R\$|\$|€|£|¥)?\s?(?<number>\d+(?:[.,]\d+)*)(?:(?<short>bn|mn|mln|tn|[mbk])\b|\s?(?<long>trillion|billion|million|thousand)\b)?(?:\s?(?<unit>%|per ?cent\b|pct\b|percentage points?\b|metric tons?\b|tonnes?\b|tons?\b|kt\b|Mt\b|mt\b|t\b|ounces?\b|oz\b|barrels?\b|bbl\b|GWh\b|MWh\b|GW\b|MW\b|km\b|kilomet(?:re|er)s?\b|miles?\b|hectares?\b|ha\b|workers\b|miners\b|employees\b|people\b|staff\b|jobs\b|dollars\b|USD\b|euros?\b|EUR\b|yuan\b|CNY\b|yen\b))?/gu;
const WORD_COUNT =
  /\b(?<word>two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)\s+(?<unit>workers|miners|employees|people|staff)\b/giu;
const WORD_NUMBERS: Record<string, number> = {
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
};
const SCALES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mn: 1e6,
  mln: 1e6,
  million: 1e6,
  b: 1e9,
  bn: 1e9,
  billion: 1e9,
  tn: 1e12,
  trillion: 1e12,
};

/**
 * The figures in a text, each with its unit and scale normalised so that different wordings
 * meet: `3 per cent` → `3%`; `US$1.2 billion`, `$1,200m` → `$1.2bn`; `40 kt`, `40,000 tonnes`
 * → `40,000 t`; `two workers` → `2 people`. A number with neither unit nor scale (a year, a
 * count of anything) is no figure.
 *
 * @example
 * figuresIn('Output fell 3 per cent to 40 kt, costing US$1.2 billion.') // ['3%', '40,000 t', '$1.2bn']
 */
export function figuresIn(text: string): string[] {
  const figures: string[] = [];
  for (const match of text.matchAll(FIGURE)) {
    const { currency, number = '', short, long, unit } = match.groups ?? {};
    if (!currency && !short && !long && !unit) continue;
    const scale = SCALES[(short ?? long ?? '').toLowerCase()] ?? 1;
    const figure = formatFigure(parseNumber(number) * scale, currency, unit);
    if (figure) figures.push(figure);
  }
  for (const match of text.matchAll(WORD_COUNT)) {
    const { word = '', unit = '' } = match.groups ?? {};
    const figure = formatFigure(WORD_NUMBERS[word.toLowerCase()] ?? 0, undefined, unit.toLowerCase());
    if (figure) figures.push(figure);
  }
  return figures;
}

/**
 * Kinds of event, by the words news uses for them. Two briefings that each say what kind of event
 * they report, and share no kind, report two events however many names they share (a strike and
 * a fire at one company's mines; its dividend and its job cuts). Consequences that many kinds of
 * event have (output fell, a mine shut, prices rose) are no kind: they tell nothing apart.
 */
export const EVENT_KINDS: Record<string, RegExp> = {
  fire: /\b(?:fires?|blaze[sd]?|flames?|burn(?:ed|ing|t)|explosions?|exploded|blasts?)\b/i,
  strike: /\b(?:strikes?|striking|walk-?outs?|stoppages?|industrial action|pickets?)\b/i,
  accident:
    /\b(?:collapse[sd]?|cave-?ins?|accidents?|rock ?falls?|killed|died|dies|deaths?|dead|fatal(?:ity|ities)?|injur(?:ed|y|ies)|hurt|trapped)\b/i,
  weather:
    /\b(?:floods?|flooded|flooding|cyclones?|storms?|hurricanes?|typhoons?|earthquakes?|landslides?|drought)\b/i,
  earnings: /\b(?:profits?|earnings|revenues?|ebitda|net income|net loss|quarterly loss)\b/i,
  dividend: /\b(?:dividends?|buy-?backs?|share repurchases?)\b/i,
  jobs: /\b(?:lay-?offs?|laid off|redundanc(?:y|ies)|job cuts|cut(?:s|ting)? (?:\d+%? (?:of )?)?(?:its )?(?:[\w-]+ )?(?:jobs|staff|workforce|workers)|headcount)\b/i,
  deal: /\b(?:acquisitions?|acquire[sd]?|takeovers?|mergers?|merge[sd]?|buy(?:s|ing)?|sells?|sold|sale|stakes?|divest\w*|deal)\b/i,
  agreement: /\b(?:agreements?|partnerships?|memorandum|mou|cooperation|collaboration|pact|joint venture)\b/i,
  policy: /\b(?:bans?|banned|quotas?|tariffs?|royalt(?:y|ies)|export tax(?:es)?|levy|levies|sanctions?)\b/i,
  tender: /\b(?:tenders?|auctions?|auctioned)\b/i,
  lawsuit: /\b(?:lawsuits?|sued|sues|court|ruling|fined|arbitration)\b/i,
};

/**
 * The kinds of event a text names (`EVENT_KINDS`).
 *
 * @example
 * eventKindsIn('A blaze halted the smelter; no one was hurt.') // ['fire', 'accident']
 */
export function eventKindsIn(text: string): string[] {
  return Object.entries(EVENT_KINDS)
    .filter(([, words]) => words.test(text))
    .map(([kind]) => kind);
}

/**
 * Commodities, one pattern each: two briefings about one company's mine that name different
 * commodities (its cobalt output, its gallium output) report two stories.
 */
const COMMODITIES: Record<string, RegExp> = {
  ...Object.fromEntries(
    (
      'copper nickel cobalt lithium zinc tin gold silver platinum palladium steel coal uranium gallium ' +
      'germanium graphite manganese tungsten antimony vanadium molybdenum bauxite alumina potash oil'
    )
      .split(' ')
      .map((name) => [name, new RegExp(`\\b${name}\\b`, 'i')]),
  ),
  // `Lead` is left out: it is a verb and a capitalised word too often to tell stories apart.
  aluminium: /\b(?:aluminium|aluminum)\b/i,
  'iron ore': /\biron[\s-]+ore\b/i,
  'rare earths': /\brare[\s-]+earths?\b/i,
  'natural gas': /\b(?:natural gas|lng)\b/i,
};

/** The commodities a text names (`COMMODITIES`). */
export function commoditiesIn(text: string): string[] {
  return Object.entries(COMMODITIES)
    .filter(([, pattern]) => pattern.test(text))
    .map(([commodity]) => commodity);
}

const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec'.split('|');
const MONTH =
  '(?<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const DAY = '(?<day>[0-3]?\\d)(?:st|nd|rd|th)?';
/** `Dec 18`, `December 18th`, `Sept. 11` — not `Dec 18%` or `May 2026`. */
const MONTH_DAY = new RegExp(`\\b${MONTH}\\.?\\s+${DAY}\\b(?!\\s?%|[.,]\\d)`, 'gu');
/** `18 December`, `11th of September`. */
const DAY_MONTH = new RegExp(`\\b${DAY}\\s+(?:of\\s+)?${MONTH}\\b`, 'gu');
const LEAP_YEAR = 2024;

/**
 * The calendar days a text names, as days of a leap year (1–366), year ignored: briefings name
 * when their event happened, and two that name days weeks apart report two events.
 *
 * @example
 * datesIn('The deal was signed on Dec 18 in Beijing.') // [353]
 */
export function datesIn(text: string): number[] {
  const days: number[] = [];
  for (const pattern of [MONTH_DAY, DAY_MONTH]) {
    for (const match of text.matchAll(pattern)) {
      const { month = '', day = '' } = match.groups ?? {};
      const monthIndex = MONTHS.indexOf(month.slice(0, 3));
      const dayOfMonth = Number(day);
      const date = new Date(Date.UTC(LEAP_YEAR, monthIndex, dayOfMonth));
      // `Feb 31` and `Nov 0` name no day.
      if (monthIndex < 0 || dayOfMonth < 1 || date.getUTCMonth() !== monthIndex) continue;
      days.push(Math.round((date.getTime() - Date.UTC(LEAP_YEAR, 0, 1)) / 86_400_000) + 1);
    }
  }
  return days;
}

/** Days between two days of the year, the short way round the year (Dec 30 to Jan 2 is 3). */
export function daysBetween(a: number, b: number): number {
  const apart = Math.abs(a - b);
  return Math.min(apart, 366 - apart);
}

function parseNumber(text: string): number {
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text)) return Number(text.replaceAll(',', ''));
  if (/^\d+,\d{1,2}$/.test(text)) return Number(text.replace(',', '.'));
  return Number.parseFloat(text.replaceAll(',', ''));
}

const CURRENCIES: Record<string, string> = {
  us$: '$',
  $: '$',
  usd: '$',
  dollars: '$',
  a$: 'A$',
  c$: 'C$',
  r$: 'R$',
  '€': '€',
  euro: '€',
  euros: '€',
  eur: '€',
  '£': '£',
  '¥': '¥',
  yuan: 'CNY ',
  cny: 'CNY ',
  yen: 'JPY ',
};

function formatFigure(
  value: number,
  currency: string | undefined,
  unit: string | undefined,
): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const raw = unit ?? '';
  const lower = raw.toLowerCase();
  const money = CURRENCIES[(currency ?? '').toLowerCase()] ?? CURRENCIES[lower];
  if (money) return `${money}${large(value)}`;
  if (raw === '%' || /^(?:per ?cent|pct)$/.test(lower)) return `${round(value)}%`;
  if (lower.startsWith('percentage point')) return `${round(value)} pp`;
  if (raw === 'Mt') return `${large(value * 1e6)} t`;
  if (lower === 'kt') return `${large(value * 1e3)} t`;
  if (/^(?:t|mt|tonnes?|tons?|metric tons?)$/.test(lower)) return `${large(value)} t`;
  if (/^(?:ounces?|oz)$/.test(lower)) return `${large(value)} oz`;
  if (/^(?:barrels?|bbl)$/.test(lower)) return `${large(value)} bbl`;
  if (/^g?wh$|^mwh$/.test(lower)) return `${large(lower === 'gwh' ? value * 1e3 : value)} MWh`;
  if (lower === 'gw' || lower === 'mw') return `${large(lower === 'gw' ? value * 1e3 : value)} MW`;
  if (/^(?:km|kilomet(?:re|er)s?)$/.test(lower)) return `${large(value)} km`;
  if (/^miles?$/.test(lower)) return `${large(value)} mi`;
  if (/^(?:hectares?|ha)$/.test(lower)) return `${large(value)} ha`;
  if (/^(?:workers|miners|employees|people|staff)$/.test(lower)) return `${large(value)} people`;
  if (lower === 'jobs') return `${large(value)} jobs`;
  return large(value);
}

/** `1200000000` → `1.2bn`, `450000000` → `450m`, `40000` → `40,000`. */
function large(value: number): string {
  if (value >= 1e12) return `${round(value / 1e12)}tn`;
  if (value >= 1e9) return `${round(value / 1e9)}bn`;
  if (value >= 1e6) return `${round(value / 1e6)}m`;
  return Number(round(value)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

function round(value: number): string {
  return String(Number(value.toPrecision(6)));
}
