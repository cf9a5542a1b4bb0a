import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBriefing } from '../../src/core/ingest/briefing.js';
import type { Briefing, BriefingResult } from '../../src/core/types.js';
import { CORPUS, CORPUS_FOLDER, caseBytes } from '../fixtures/mojibake-corpus/corpus.js';
import { sourceFile } from '../helpers/briefings.js';
import { LOSSY, type Misreading } from '../helpers/misread.js';
import { sameDashes } from '../helpers/sentences.js';

const options = { timeZone: 'UTC', maxBytes: 1024 * 1024 };
const read = (name: string, bytes: Uint8Array): Briefing => {
  const result: BriefingResult = readBriefing(sourceFile(name, bytes), options);
  if (!result.ok) throw new Error(`${name} was skipped: ${result.skipped.reason}`);
  return result.briefing;
};
const KIND: Record<string, string[]> = {
  'windows-1252': ['utf8-as-windows-1252'],
  'windows-1252 (undefined bytes replaced)': ['utf8-as-windows-1252', 'utf8-as-windows-1252-bytes-lost'],
  latin1: ['utf8-as-latin1'],
  'tis-620 (C1 kept)': ['utf8-as-tis-620'],
  'windows-874': ['utf8-as-windows-874'],
  'double-encoded': ['double-encoded'],
  'tis-620 (C1 dropped)': ['utf8-as-tis-620-bytes-lost'],
  'tis-620 (C1 replaced)': ['utf8-as-tis-620-bytes-lost'],
  'windows-874 (undefined dropped)': ['utf8-as-tis-620-bytes-lost'],
};

describe('the mojibake corpus: invented briefings as misreading tools leave them', () => {
  it('has at least 40 misread cases, and every case file is what its misreading produces', () => {
    expect(CORPUS.filter((corpusCase) => corpusCase.how !== 'clean').length).toBeGreaterThanOrEqual(40);
    for (const corpusCase of CORPUS) {
      expect(readFileSync(join(CORPUS_FOLDER, 'cases', corpusCase.name)), corpusCase.name).toEqual(
        caseBytes(corpusCase),
      );
    }
  });

  it.each(CORPUS.map((corpusCase) => [corpusCase.name, corpusCase] as const))(
    '%s reads exactly as the writer wrote it',
    (name, corpusCase) => {
      const arrived = read(corpusCase.expected, readFileSync(join(CORPUS_FOLDER, 'cases', name)));
      const written = read(
        corpusCase.expected,
        readFileSync(join(CORPUS_FOLDER, 'expected', corpusCase.expected)),
      );
      const { repairs, id, ...fields } = arrived;
      const { repairs: none, id: expectedId, ...expected } = written;
      if (LOSSY.includes(corpusCase.how as Misreading)) {
        // Where the bytes that tell – from — are gone, a spaced dash may come back as either.
        expect(sameDashes(JSON.stringify(fields))).toBe(sameDashes(JSON.stringify(expected)));
      } else {
        expect(fields).toEqual(expected);
        expect(id).toBe(expectedId);
      }
      expect(none).toEqual([]);
      if (corpusCase.how === 'clean') expect(repairs).toEqual([]);
      else expect(repairs.map((repair) => repair.kind)).toContain(KIND[corpusCase.how]?.[0]);
    },
  );
});
