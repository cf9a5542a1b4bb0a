import { createReadStream } from 'node:fs';
import { DigestError } from '../core/errors.js';

/** One record of a CSV file, as read: where it starts, its text, and its cells or why it has none. */
export interface CsvRecord {
  /** The number of the record's first line in the file (1-based). */
  line: number;
  /** The record's lines as they are in the file, without the final line break. */
  raw: string;
  /** The cells, trimmed outside quotes and with the formula guard removed; absent when `problem` says why. */
  cells?: string[];
  problem?: string;
}

/** A quoted cell may span lines, but not more than this: past it, the opening quote was a mistake. */
const MAX_RECORD_LINES = 20;
/** NUL never occurs in text; a file with one in its first bytes is not a CSV. */
const BINARY_SNIFF_BYTES = 8192;

/**
 * Reads a CSV file (RFC 4180, UTF-8, any line ending) record by record, streaming. A broken
 * record never stops the file: a quote that is never closed (or closes in the middle of a cell)
 * makes its first line a record with a `problem`, and reading goes on with the next line, so one
 * bad line costs one line. Blank lines are not records.
 *
 * @example
 * for await (const record of readCsvRecords('list.csv')) console.log(record.line, record.cells ?? record.problem);
 */
export async function* readCsvRecords(path: string): AsyncIterable<CsvRecord> {
  const lines = physicalLines(path)[Symbol.asyncIterator]();
  const reread: PhysicalLine[] = [];
  const next = async (): Promise<PhysicalLine | undefined> => {
    const again = reread.shift();
    if (again) return again;
    const result = await lines.next();
    return result.done ? undefined : result.value;
  };
  try {
    for (let first = await next(); first; first = await next()) {
      if (first.text.trim() === '') continue;
      const taken = [first];
      let text = first.text;
      let result = splitCells(text);
      while (result === 'unclosed' && taken.length < MAX_RECORD_LINES) {
        const more = await next();
        if (!more) break;
        taken.push(more);
        text += `\n${more.text}`;
        result = splitCells(text);
      }
      if (Array.isArray(result)) {
        yield { line: first.number, raw: taken.map((line) => line.raw).join('\n'), cells: result };
        continue;
      }
      // Blame the first line only; the lines pulled in after it are read again on their own.
      reread.unshift(...taken.slice(1));
      yield {
        line: first.number,
        raw: first.raw,
        problem: result === 'unclosed' || taken.length > 1 ? 'unclosed quote' : result.problem,
      };
    }
  } finally {
    // A reader that stops early (a lookup that found its row) closes the file.
    await lines.return?.();
  }
}

/**
 * One CSV line for these cells: quoted where needed, and formula-safe. A cell that starts with
 * `= + - @`, tab or CR is one a spreadsheet would run as a formula (CSV injection), so it gets a
 * leading `'`. So that the guard can be removed again without guessing, a cell that is already
 * quotes followed by one of those gets one more: `readCsvRecords` removes exactly one.
 *
 * @example
 * csvLine(['=SUM(A1)', 'Chen, Wei']) // `'=SUM(A1),"Chen, Wei"`
 */
export function csvLine(cells: readonly string[]): string {
  return cells.map((cell) => quoted(formulaSafe(cell))).join(',');
}

export function formulaSafe(cell: string): string {
  return /^'*[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

export function withoutFormulaGuard(cell: string): string {
  return /^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

function quoted(cell: string): string {
  return /[",\n\r]|^\s|\s$/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

interface PhysicalLine {
  number: number;
  /** Without the line break (and without a CR before it). */
  text: string;
  /** As in the file, a CR before the line break included. */
  raw: string;
}

async function* physicalLines(path: string): AsyncIterable<PhysicalLine> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let number = 0;
  let sniffed = false;
  const line = (raw: string): PhysicalLine => ({
    number: ++number,
    text: raw.endsWith('\r') ? raw.slice(0, -1) : raw,
    raw,
  });
  for await (const chunk of opened(path)) {
    if (!sniffed && chunk.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
      throw new DigestError(`${path} is not a CSV file (it holds binary data): give a CSV saved as text`);
    }
    sniffed = true;
    pending += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
      yield line(pending.slice(start, end));
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending !== '') yield line(pending);
}

/** The file's bytes, with the reasons it cannot be opened said for people. */
async function* opened(path: string): AsyncIterable<Buffer> {
  try {
    yield* createReadStream(path) as AsyncIterable<Buffer>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DigestError(`${path} does not exist: check the path`, { cause: error });
    if (code === 'EISDIR')
      throw new DigestError(`${path} is a folder, not a file: give the path of the CSV`, { cause: error });
    if (code === 'EACCES' || code === 'EPERM')
      throw new DigestError(`${path} cannot be read (permission denied): check its permissions`, {
        cause: error,
      });
    throw error;
  }
}

/** The cells of one record's text, `'unclosed'` when it ends inside quotes, or why it cannot be read. */
function splitCells(text: string): string[] | 'unclosed' | { problem: string } {
  if (!text.includes('"')) return text.split(',').map((cell) => withoutFormulaGuard(cell.trim()));
  const cells: string[] = [];
  let at = 0;
  for (;;) {
    let start = at;
    while (text[start] === ' ' || text[start] === '\t') start++;
    if (text[start] !== '"') {
      const comma = text.indexOf(',', at);
      cells.push(withoutFormulaGuard(text.slice(at, comma === -1 ? text.length : comma).trim()));
      if (comma === -1) return cells;
      at = comma + 1;
      continue;
    }
    let value = '';
    let cursor = start + 1;
    for (;;) {
      const quote = text.indexOf('"', cursor);
      if (quote === -1) return 'unclosed';
      value += text.slice(cursor, quote);
      cursor = quote + 1;
      if (text[cursor] !== '"') break;
      value += '"';
      cursor++;
    }
    while (text[cursor] === ' ' || text[cursor] === '\t') cursor++;
    cells.push(withoutFormulaGuard(value));
    if (cursor === text.length) return cells;
    if (text[cursor] !== ',') return { problem: 'text after a closing quote' };
    at = cursor + 1;
  }
}
