// Reading Server-Sent Events from an open fetch response, as a browser's EventSource would.
export interface Sse {
  readonly id: string;
  readonly event: string;
  readonly data: { id: string; text: string; spaceId?: string; kind?: string; conversationId?: string };
}

/** Reads Server-Sent Events from an open response. */
export class EventReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(res: Response) {
    this.reader = res.body!.getReader();
  }

  /** The next `count` events (comments and keep-alives skipped), or a timeout. */
  async next(count = 1, timeoutMs = 5_000): Promise<Sse[]> {
    const out: Sse[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < count) {
      const split = this.buffer.indexOf('\n\n');
      if (split >= 0) {
        const block = this.buffer.slice(0, split);
        this.buffer = this.buffer.slice(split + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
        if (fields.event) out.push({ id: fields.id!, event: fields.event, data: JSON.parse(fields.data!) as Sse['data'] });
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${out.length} of ${count} events`);
      const chunk = await Promise.race([this.reader.read(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), left))]);
      if (chunk === 'timeout') throw new Error(`timed out after ${out.length} of ${count} events`);
      if (chunk.done) throw new Error('the stream ended');
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.reader.cancel();
  }
}

