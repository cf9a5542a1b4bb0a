import { stat } from 'node:fs/promises';
import { maskAddress, normalizeAddress } from '../core/delivery/address.js';
import { type ImportRow, knownStatus, unknownStatusReason } from '../core/delivery/subscriber.js';
import { DigestError, UsageError } from '../core/errors.js';
import { type CsvRecord, readCsvRecords } from './csv.js';
import type { InvalidRow } from './subscribers-csv.js';
import { hasExtraCells } from './subscribers-csv-rows.js';

/**
 * Checks that `path` can be read as an import file before any work starts, then reads it (see
 * `readImportFile`). A pipe is fine too (`<(…)`, a FIFO).
 */
export async function openImportFile(
  path: string,
  onInvalid: (row: InvalidRow) => void,
): Promise<AsyncIterable<ImportRow>> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UsageError(`import file not found: ${path}: check the path`);
    throw error;
  });
  if (info.isDirectory()) throw new UsageError(`${path} is a folder, not a file: give the path of the CSV`);
  return readImportFile(path, onInvalid);
}

/**
 * Reads an import file (CSV with an `email` column; `name` and `status` optional), validating and
 * normalising each row. A line that cannot be used — broken quoting, too many cells, no valid
 * address, a status this version does not know or one an import cannot give — is reported with
 * its number (addresses masked) and skipped; every other line is imported.
 */
export async function* readImportFile(
  path: string,
  onInvalid: (row: InvalidRow) => void,
): AsyncIterable<ImportRow> {
  let columns: string[] | undefined;
  for await (const record of readCsvRecords(path)) {
    if (!columns) {
      columns = record.cells?.map((name) => name.trim().toLowerCase());
      if (!columns?.includes('email'))
        throw new DigestError(`${path}: the first line must be a header with an "email" column`);
      continue;
    }
    const row = importRow(record, columns);
    if ('reason' in row) onInvalid({ line: record.line, reason: row.reason });
    else yield row;
  }
  if (!columns)
    throw new DigestError(`${path} is empty: the first line must be a header with an "email" column`);
}

function importRow(record: CsvRecord, columns: string[]): ImportRow | { reason: string } {
  if (!record.cells) return { reason: `${record.problem} — fix the line or remove it` };
  const { cells } = record;
  if (hasExtraCells(cells, columns.length)) {
    return {
      reason: `${cells.length} cells where the header has ${columns.length} — quote the cells that hold commas, or remove the line`,
    };
  }
  const cell = (column: string) => (columns.includes(column) ? (cells[columns.indexOf(column)] ?? '') : '');
  const address = normalizeAddress(cell('email'));
  if (!address.ok) return { reason: address.reason };
  const status = cell('status') === '' ? undefined : knownStatus(cell('status'));
  if (cell('status') !== '' && !status) {
    return {
      reason: `${maskAddress(address.email)}: ${unknownStatusReason(cell('status'))} — fix the line or remove it`,
    };
  }
  // Only the site's sign-up makes an address pending (with its confirmation), only `forget` erases one.
  if (status === 'pending' || status === 'forgotten') {
    return {
      reason: `${maskAddress(address.email)}: status "${status}" cannot be imported (${status === 'pending' ? 'only a sign-up on the site makes an address pending' : 'erase an address with "digest subscribers forget"'}) — fix the line or remove it`,
    };
  }
  return {
    email: address.email,
    ...(cell('name') ? { name: cell('name') } : {}),
    ...(status ? { status } : {}),
  };
}
