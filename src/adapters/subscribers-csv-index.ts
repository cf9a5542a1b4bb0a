import { ClassicLevel } from 'classic-level';
import { type ImportOutcome, type ImportRow, mergeImport } from '../core/subscriber.js';
import { addressOf, type StoreRow } from './subscribers-csv-rows.js';

/**
 * The store's rows keyed two ways in a LevelDB folder: by position (`o:` + sequence, to write them
 * back in file order with new addresses at the end) and by address (`e:` + address, to merge).
 */
export class ImportIndex {
  private readonly db: ClassicLevel<string, unknown>;
  private count = 0;

  constructor(folder: string) {
    this.db = new ClassicLevel<string, unknown>(folder, { valueEncoding: 'json' });
  }

  open(): Promise<void> {
    return this.db.open();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async addStoreRows(rows: AsyncIterable<StoreRow>): Promise<void> {
    let chunk: StoreRow[] = [];
    for await (const row of rows) {
      chunk.push(row);
      if (chunk.length >= 1000) {
        await this.addChunk(chunk);
        chunk = [];
      }
    }
    await this.addChunk(chunk);
  }

  /** Merges one import row as `mergeImport` says; an address held with an unknown status stays suppressed. */
  async merge(row: ImportRow, now: string): Promise<ImportOutcome> {
    const entry = (await this.db.get(addressKey(row.email))) as AddressEntry | undefined;
    const stored = entry ? ((await this.db.get(rowKey(entry.seq))) as StoreRow) : undefined;
    if (stored?.kind === 'held') return 'kept-suppressed';
    const { subscriber, outcome } = mergeImport(stored?.subscriber, row, now);
    if (outcome === 'added' || outcome === 'updated') {
      const seq = entry?.seq ?? ++this.count;
      await this.db
        .batch()
        .put(rowKey(seq), { kind: 'subscriber', subscriber, cells: stored?.cells ?? [] } satisfies StoreRow)
        .put(addressKey(row.email), {
          seq,
          suppressed: subscriber.status !== 'active',
        } satisfies AddressEntry)
        .write();
    }
    return outcome;
  }

  async *rows(): AsyncIterable<StoreRow> {
    for await (const row of this.db.values({ gte: 'o:', lt: 'o;' })) yield row as StoreRow;
  }

  private async addChunk(rows: StoreRow[]): Promise<void> {
    const addresses = rows.map(addressOf);
    const known = (await this.db.getMany(addresses.map((address) => addressKey(address ?? '')))) as (
      | AddressEntry
      | undefined
    )[];
    const batch = this.db.batch();
    const inChunk = new Map<string, AddressEntry>();
    rows.forEach((row, at) => {
      const seq = ++this.count;
      batch.put(rowKey(seq), row);
      const address = addresses[at];
      if (!address) return;
      const entry = { seq, suppressed: !(row.kind === 'subscriber' && row.subscriber.status === 'active') };
      const earlier = inChunk.get(address) ?? known[at];
      // A hand-edited file may list an address twice: if any of its rows is suppressed, the address is.
      if (earlier && (earlier.suppressed || !entry.suppressed)) return;
      batch.put(addressKey(address), entry);
      inChunk.set(address, entry);
    });
    await batch.write();
  }
}

interface AddressEntry {
  seq: number;
  suppressed: boolean;
}

const rowKey = (seq: number) => `o:${String(seq).padStart(12, '0')}`;
const addressKey = (address: string) => `e:${address}`;
