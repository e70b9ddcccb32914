// Writes one JSON object field by field through a HashedFile, with lists fed from async
// iterables, so a document of any length is never held in memory as a whole.
import type { HashedFile } from './export.js';

export class JsonObjectWriter {
  private fields = 0;

  constructor(private readonly out: HashedFile) {}

  async begin(): Promise<void> {
    await this.out.write('{');
  }

  async field(key: string, value: unknown): Promise<void> {
    await this.out.write(`${this.fields++ === 0 ? '' : ','}\n  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  }

  /** A list, one item per line. */
  async list(key: string, items: AsyncIterable<unknown>): Promise<void> {
    await this.out.write(`${this.fields++ === 0 ? '' : ','}\n  ${JSON.stringify(key)}: [`);
    let n = 0;
    for await (const item of items) await this.out.write(`${n++ === 0 ? '' : ','}\n    ${JSON.stringify(item)}`);
    await this.out.write(n === 0 ? ']' : '\n  ]');
  }

  async end(): Promise<void> {
    await this.out.write('\n}\n');
  }
}

/** Rows page by page, each page starting after the last row's key, until a page comes back empty. */
export async function* paged<R, K>(fetch: (after: K | undefined) => Promise<R[]>, keyOf: (row: R) => K): AsyncIterable<R> {
  let after: K | undefined;
  for (;;) {
    const rows = await fetch(after);
    if (rows.length === 0) return;
    yield* rows;
    after = keyOf(rows[rows.length - 1]!);
  }
}
