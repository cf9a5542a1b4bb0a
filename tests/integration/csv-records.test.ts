import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, readCsvRecords } from '../../src/adapters/csv.js';
import { temporaryFolder } from '../helpers/briefings.js';

async function records(content: string | Uint8Array): Promise<CsvRecord[]> {
  const path = join(temporaryFolder(), 'list.csv');
  writeFileSync(path, content);
  const all: CsvRecord[] = [];
  for await (const record of readCsvRecords(path)) all.push(record);
  return all;
}

describe('readCsvRecords', () => {
  it('costs one line for a quote that is never closed, and reads every line after it', async () => {
    const read = await records(
      'email,name\nana@example.org,"Ana\nben@example.com,Ben\nchen@example.net,"Chen, Wei"\n',
    );
    expect(read).toEqual([
      { line: 1, raw: 'email,name', cells: ['email', 'name'] },
      { line: 2, raw: 'ana@example.org,"Ana', problem: 'unclosed quote' },
      { line: 3, raw: 'ben@example.com,Ben', cells: ['ben@example.com', 'Ben'] },
      { line: 4, raw: 'chen@example.net,"Chen, Wei"', cells: ['chen@example.net', 'Chen, Wei'] },
    ]);
  });

  it('reads a quoted cell over several lines as one record, numbered by its first line', async () => {
    const read = await records('email,name\r\nana@example.org,"Ana\r\nSilva"\r\nben@example.com,Ben\r\n');
    expect(read.slice(1).map((record) => [record.line, record.cells])).toEqual([
      [2, ['ana@example.org', 'Ana\nSilva']],
      [4, ['ben@example.com', 'Ben']],
    ]);
  });

  it('says what is wrong with text after a closing quote', async () => {
    const read = await records('email,name\nana@example.org,"Ana" Silva\n');
    expect(read[1]).toEqual({
      line: 2,
      raw: 'ana@example.org,"Ana" Silva',
      problem: 'text after a closing quote',
    });
  });

  it('keeps a line as it is in the file, carriage return included', async () => {
    const read = await records('\uFEFFemail\r\n"ana@example.org\r\n\r\nben@example.com\r\n');
    expect(read).toEqual([
      { line: 1, raw: 'email\r', cells: ['email'] },
      { line: 2, raw: '"ana@example.org\r', problem: 'unclosed quote' },
      { line: 4, raw: 'ben@example.com\r', cells: ['ben@example.com'] },
    ]);
  });

  it('refuses a binary file in one line', async () => {
    await expect(records(Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00))).rejects.toThrow(
      /^.*list\.csv is not a CSV file \(it holds binary data\): give a CSV saved as text$/,
    );
  });

  it('says so when the path is a folder or does not exist', async () => {
    const folder = temporaryFolder();
    const read = async (path: string) => {
      for await (const _ of readCsvRecords(path));
    };
    await expect(read(folder)).rejects.toThrow(`${folder} is a folder, not a file: give the path of the CSV`);
    await expect(read(join(folder, 'missing.csv'))).rejects.toThrow(
      `${join(folder, 'missing.csv')} does not exist: check the path`,
    );
  });
});
