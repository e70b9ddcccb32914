// The server runs retention on its own schedule, with nothing else happening; a run that fails
// midway is recorded (RetentionRunFailed, with the error and what it had shredded) and the next
// run does the rest, each stream shredded exactly once.
import { expect } from 'chai';
import { rawRows } from '../../src/db/values.js';
import { ReadModelLagError } from '../../src/errors.js';
import { LegalHolds } from '../../src/retention/legal-holds.js';
import { sweep } from '../../src/retention/sweep.js';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';

interface EventRow {
  type: string;
  stream_id: string;
  data: string | Record<string, unknown>;
}
const dataOf = (r: EventRow) => (typeof r.data === 'string' ? (JSON.parse(r.data) as Record<string, unknown>) : r.data);
const eventsOf = (t: TestServer, types: string) => rawRows<EventRow>(t.world.runtime.db.knex, `SELECT type, stream_id, data FROM events WHERE type IN (${types}) ORDER BY position`);

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function threeHrPosts(t: TestServer): Promise<Person> {
  const paula = await person(t, 'paula');
  await acceptGuideline(t, paula);
  for (const text of ['Notiz eins', 'Notiz zwei', 'Notiz drei']) expect((await call(t, paula, 'POST', '/api/spaces/hr/posts', { text })).status).to.equal(201);
  return paula;
}

describe('retention on the server’s schedule', function () {
  let t: TestServer;
  let now = new Date('2026-01-05T08:00:00Z');

  before(async function () {
    this.timeout(60_000);
    t = await startFlurfunk({ FLURFUNK_RETENTION_INTERVAL: '1' }, { clock: () => now });
    await threeHrPosts(t);
  });
  after(async function () {
    await t.stop();
  });

  it('shreds what expires without anyone doing anything', async function () {
    this.timeout(30_000);
    expect(await eventsOf(t, `'ContentShredded'`), 'nothing has expired yet').to.have.length(0);
    now = new Date('2026-08-01T08:00:00Z'); // six months on: the hr posts (P6M) have expired
    const receipts = await eventually('three receipts', async () => {
      const rows = await eventsOf(t, `'ContentShredded'`);
      return rows.length === 3 ? rows : undefined;
    });
    expect(new Set(receipts.map((r) => r.stream_id)).size).to.equal(3);
    const runs = await eventsOf(t, `'RetentionRunStarted'`);
    expect(runs.every((r) => dataOf(r).trigger === 'schedule')).to.equal(true);
    expect(await t.world.runtime.db.knex('posts').where({ space_id: 'hr' })).to.have.length(0);
  });
});

describe('a retention run that fails midway', function () {
  let t: TestServer;
  let dieter: Person;
  let now = new Date('2026-01-05T08:00:00Z');

  before(async function () {
    this.timeout(60_000);
    t = await startFlurfunk({}, { clock: () => now });
    await threeHrPosts(t);
    now = new Date('2026-08-01T08:00:00Z');
    dieter = await person(t, 'dieter');
  });
  after(async function () {
    await t.stop();
  });

  it('is recorded with its error and what it shredded, and the next run does the rest exactly once', async function () {
    this.timeout(30_000);
    const runtime = t.world.runtime;
    // One stream per batch; the read models stop following after the first one (a real failure
    // mode of an overloaded database: ReadModelLagError).
    let waits = 0;
    const failed = await sweep(
      {
        db: runtime.db,
        store: runtime.store,
        holds: new LegalHolds(runtime.db),
        logger: runtime.logger,
        waitFor: (p) => (++waits <= 2 ? new Promise((resolve) => setTimeout(resolve, 500)) : Promise.reject(new ReadModelLagError(p))),
      },
      { policy: runtime.policy!.current, now, dryRun: false, trigger: 'cli', actor: 'system:retention', batchSize: 1 },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).to.be.instanceOf(ReadModelLagError);
    const [runFailed] = await eventsOf(t, `'RetentionRunFailed'`);
    expect(dataOf(runFailed!)).to.deep.include({ error: (failed as Error).message });
    const firstShredded = dataOf(runFailed!).shredded as number;
    expect(firstShredded).to.be.within(1, 2);

    const next = await call<{ shredded: number; expired: number }>(t, dieter, 'POST', '/api/retention/runs', {});
    expect(next.status).to.equal(200);
    expect(next.body.shredded).to.equal(3 - firstShredded);
    const receipts = await eventsOf(t, `'ContentShredded'`);
    expect(receipts).to.have.length(3);
    expect(new Set(receipts.map((r) => r.stream_id)).size).to.equal(3);
    const runs = (await call<{ runs: { status: string; error: string | null }[] }>(t, dieter, 'GET', '/api/retention/runs')).body.runs;
    expect(runs.map((r) => r.status)).to.deep.equal(['completed', 'failed']);
    expect(runs[1]!.error).to.equal((failed as Error).message);
  });
});
