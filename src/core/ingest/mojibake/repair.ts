import { badness, isThaiLetter } from './badness.js';
import { type CodecFamily, FAMILIES, kindOf, MAY_BE_MOJIBAKE, type RepairKind } from './codecs.js';
import { isLostBytesLetter, repairLostBytes } from './lost-bytes.js';

/** Repaired text and how many sequences of each kind were repaired. */
export interface MojibakeRepair {
  text: string;
  repairs: Map<RepairKind, number>;
}

/**
 * Repairs UTF-8 text that a tool decoded with a legacy single-byte code page (see `codecs.ts`).
 *
 * Each place where the characters can be encoded back into one valid UTF-8 sequence (a lead
 * byte and its continuation bytes, in one code-page family) is a candidate. A candidate is
 * repaired when the text reads clearly better with it repaired than without: the badness score
 * (`badness.ts`) over the candidate and its neighbours must drop by at least the margin. Touching
 * candidates (`Ã¢â‚¬â„¢`) are decided together. Once one repair in a text is clear, the text is
 * known to be misread, and the margin for the rest of that family is halved. Passes repeat while
 * they change something, which undoes double encoding. Last, the sequences whose continuation
 * bytes a decoder dropped are restored from context (`lost-bytes.ts`).
 *
 * Only smallest explainable sequences change, so real `é`, `’`, NBSP or Thai beside mojibake
 * stay as they are, and text with no candidate is returned untouched.
 *
 * @example
 * repairMojibake('Renéâ€™s cafÃ©').text // 'René’s café'
 */
export function repairMojibake(text: string): MojibakeRepair {
  const repairs = new Map<RepairKind, number>();
  if (!MAY_BE_MOJIBAKE.test(text)) return { text, repairs };
  let current: Pass = { text, produced: new Set() };
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = repairPass(current, repairs);
    if (next.text !== current.text) {
      current = next;
      continue;
    }
    // Restoring lost bytes can free a neighbour from looking like Thai: re-encode once more.
    const restored = repairLostBytes(current.text, repairs);
    if (restored === current.text) break;
    current = { text: restored, produced: new Set() };
  }
  return { text: current.text, repairs };
}

/** A text and the positions in it that an earlier pass produced (to tell double encoding). */
interface Pass {
  text: string;
  produced: Set<number>;
}

// Each pass undoes one layer of encoding; four layers is already far past what occurs.
const MAX_PASSES = 6;
const CLEAR_MARGIN = 1;
const KNOWN_MISREAD_MARGIN = 0.5;
// Every choice in a chain is tried (2^n); longer chains, which only machine-made runs of mojibake
// have, are decided candidate by candidate, so time stays linear in the text.
const MAX_CHAIN = 9;
// How far around a Thai-family candidate to look for real Thai text.
const SCRIPT_WINDOW = 24;
const ISOLATED_THAI_COST = 1;

interface Candidate {
  family: CodecFamily;
  start: number;
  end: number;
  repaired: string;
}

function repairPass({ text, produced }: Pass, repairs: Map<RepairKind, number>): Pass {
  // Text encoded twice is a second layer made wholly of what the first repair produced; a
  // sequence that borrows one produced character from its neighbour is a coincidence.
  const candidates = findCandidates(text).filter((candidate) => {
    const made = range(candidate).filter((index) => produced.has(index)).length;
    return made === 0 || made === candidate.end - candidate.start;
  });
  if (candidates.length === 0) return { text, produced };
  const accepted = acceptedCandidates(text, candidates, produced);
  if (accepted.size === 0) return { text, produced };

  let out = '';
  let position = 0;
  const producedNow = new Set<number>();
  for (const candidate of candidates) {
    if (!accepted.has(candidate)) continue;
    out += text.slice(position, candidate.start);
    for (let offset = 0; offset < candidate.repaired.length; offset++) producedNow.add(out.length + offset);
    out += candidate.repaired;
    position = candidate.end;
    const layered = range(candidate).some((index) => produced.has(index));
    const kind = layered
      ? 'double-encoded'
      : kindOf(candidate.family, text.slice(candidate.start, candidate.end));
    repairs.set(kind, (repairs.get(kind) ?? 0) + 1);
  }
  return { text: out + text.slice(position), produced: producedNow };
}

/**
 * The candidates to repair. Chains are first decided with the clear margin; a family with one
 * clear repair is known to have misread this text, and all its chains are decided again with the
 * smaller margin.
 */
function acceptedCandidates(text: string, candidates: Candidate[], produced: Set<number>): Set<Candidate> {
  const explained = new Set<number>();
  for (const { start, end } of candidates) for (let index = start; index < end; index++) explained.add(index);
  const chains = chainsOf(candidates);
  const misread = new Set<string>();
  for (const chain of chains) {
    for (const candidate of decideChain(text, chain, CLEAR_MARGIN, explained))
      misread.add(candidate.family.name);
  }
  const accepted = new Set<Candidate>();
  for (const chain of chains) {
    // A second layer of encoding is rarer than the first: it always needs the clear margin.
    const layered = chain.some((candidate) => produced.has(candidate.start));
    const known = misread.has(chain[0]?.family.name ?? '') && !layered;
    const margin = known ? KNOWN_MISREAD_MARGIN : CLEAR_MARGIN;
    for (const candidate of decideChain(text, chain, margin, explained)) accepted.add(candidate);
  }
  return accepted;
}

function range({ start, end }: Candidate): number[] {
  return Array.from({ length: end - start }, (_, offset) => start + offset);
}

/** Every place where a family's characters re-encode to one valid UTF-8 sequence, in order. */
function findCandidates(text: string): Candidate[] {
  const candidates: Candidate[] = [];
  // Only lead characters can start a candidate: jump from one to the next.
  const leads = new RegExp(ANY_LEAD.source, 'gu');
  for (let match = leads.exec(text); match; match = leads.exec(text)) {
    const family = FAMILIES.find((each) => each.lead.test(match[0]));
    const candidate = family && candidateAt(text, match.index, family);
    if (candidate) {
      candidates.push(candidate);
      leads.lastIndex = candidate.end;
    }
  }
  return candidates;
}

const ANY_LEAD = new RegExp(FAMILIES.map((family) => family.lead.source).join('|'), 'u');

function candidateAt(text: string, start: number, family: CodecFamily): Candidate | undefined {
  const lead = family.byteOf.get(text[start] ?? '') ?? 0;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  if (start + length > text.length) return undefined;
  const bytes = [lead];
  for (let offset = 1; offset < length; offset++) {
    const byte = family.byteOf.get(text[start + offset] ?? '');
    if (byte === undefined || byte > 0xbf) return undefined;
    bytes.push(byte);
  }
  const repaired = decodeUtf8Sequence(bytes);
  return repaired === undefined ? undefined : { family, start, end: start + length, repaired };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8Sequence(bytes: number[]): string | undefined {
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** Candidates that touch each other, so that the decision on one changes the other's neighbour. */
function chainsOf(candidates: Candidate[]): Candidate[][] {
  const chains: Candidate[][] = [];
  let chain: Candidate[] = [];
  for (const candidate of candidates) {
    const last = chain.at(-1);
    if (last && last.end !== candidate.start) {
      chains.push(...sliced(chain));
      chain = [];
    }
    chain.push(candidate);
  }
  chains.push(...sliced(chain));
  return chains;
}

function sliced(chain: Candidate[]): Candidate[][] {
  if (chain.length === 0) return [];
  return chain.length <= MAX_CHAIN ? [chain] : chain.map((candidate) => [candidate]);
}

/**
 * The candidates of a chain worth repairing: of every choice of which to repair, the one with the
 * lowest badness plus `margin` per repair; none when leaving all as they are is as good.
 */
function decideChain(text: string, chain: Candidate[], margin: number, explained: Set<number>): Candidate[] {
  const first = chain[0];
  const last = chain.at(-1);
  if (!first || !last) return [];
  // The start and the end of the text count as white space.
  const before = ` ${asContext(text, Math.max(0, first.start - 2), first.start, explained)}`.slice(-2);
  const after = asContext(text, last.end, last.end + 1, explained) || ' ';
  const isolatedThai = first.family.name === 'thai' && !thaiNearby(text, first.start, last.end, explained);
  const cost = (choice: number): number => {
    let middle = '';
    let run = '';
    // Text encoded twice collapses a second time when settled; that is one repair, not several.
    let collapsed = 0;
    const settleRun = () => {
      const settled = settle(run);
      collapsed += run.length - settled.length;
      middle += settled;
      run = '';
    };
    chain.forEach((candidate, index) => {
      if (choice & (1 << index)) {
        run += candidate.repaired;
        return;
      }
      settleRun();
      middle += text.slice(candidate.start, candidate.end);
    });
    settleRun();
    const window = before.slice(-1) + middle + after;
    const isolation = isolatedThai ? ISOLATED_THAI_COST * thaiLetters(window) : 0;
    const repairs = choice === 0 ? 0 : Math.max(1, bitCount(choice) - collapsed);
    return badness(window, before.slice(0, -1)) + isolation + margin * repairs;
  };
  let best = 0;
  let bestCost = cost(0);
  for (let choice = 1; choice < 1 << chain.length; choice++) {
    const choiceCost = cost(choice);
    // Leaving the text alone wins ties: a repair that is not clearly better is not made.
    if (
      choiceCost < bestCost ||
      (choiceCost === bestCost && best !== 0 && bitCount(choice) < bitCount(best))
    ) {
      best = choice;
      bestCost = choiceCost;
    }
  }
  return chain.filter((_, index) => best & (1 << index));
}

/**
 * What repaired text would become after the passes still to come: text that was encoded twice
 * only reads well after its second repair, so it is scored as it will end.
 */
function settle(repaired: string): string {
  let current = repaired;
  for (let layer = 1; layer < MAX_PASSES; layer++) {
    const candidates = findCandidates(current);
    if (candidates.length === 0) break;
    let out = '';
    let position = 0;
    for (const candidate of candidates) {
      out += current.slice(position, candidate.start) + candidate.repaired;
      position = candidate.end;
    }
    current = out + current.slice(position);
  }
  return current;
}

function bitCount(value: number): number {
  let count = 0;
  for (let rest = value; rest > 0; rest >>= 1) count += rest & 1;
  return count;
}

/**
 * Real Thai near a candidate means its Thai letters may be Thai; none means they stand alone.
 * Thai letters inside other candidates, or left by lost bytes, are not evidence: they may be
 * mojibake themselves.
 */
function thaiNearby(text: string, start: number, end: number, explained: Set<number>): boolean {
  const from = Math.max(0, start - SCRIPT_WINDOW);
  const to = Math.min(text.length, end + SCRIPT_WINDOW);
  for (let index = from; index < to; index++) {
    if (index >= start && index < end) continue;
    if (!explained.has(index) && isThaiLetter(text[index]) && !isLostBytesLetter(text, index, explained))
      return true;
  }
  return false;
}

/**
 * Neighbouring text as the score should see it: a lost-bytes form (`lost-bytes.ts`) stands for
 * punctuation, not a Thai letter touching the candidate.
 */
function asContext(text: string, from: number, to: number, explained: Set<number>): string {
  let context = '';
  for (let index = from; index < to; index++) {
    const char = text[index] ?? '';
    context += !explained.has(index) && isLostBytesLetter(text, index, explained) ? '’' : char;
  }
  return context;
}

/** Each Thai letter standing alone in Latin text counts: mojibake, not a Thai word. */
function thaiLetters(window: string): number {
  return window.match(/[\u0e01-\u0e5b]/gu)?.length ?? 0;
}
