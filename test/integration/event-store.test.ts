// The event store through its public API, on the database under test.
import { expect } from 'chai';
import { InvalidEventError, StoreClosedError, WrongExpectedVersionError } from '../../src/errors.js';
import { rawRows } from '../../src/db/values.js';
import { verifyChain } from '../../src/events/verify-chain.js';
import { readCheckpointFile, listCheckpoints } from '../../src/events/checkpoints.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { createWorld, type World } from '../support/world.js';

describe('event store', function () {
  let world: World;
  beforeEach(async function () {
    world = await createWorld({ FLURFUNK_CHECKPOINT_EVERY: '25' });
    await world.start({ eventCatalogue: 'off' });
  });
  afterEach(async function () {
    await world.stop();
  });

  it('appends events with consecutive versions and positions and reads them back', async function () {
    const { store } = world.runtime;
    const first = await store.append('post-1', [{ type: 'PostCreated', data: { spaceId: 'all' } }, { type: 'PostTagged', data: { topic: 'apollo' } }], { expectedVersion: 0, actor: 'user-a', correlationId: 'req-1', policyVersion: 'p1' });
    expect(first.streamVersion).to.equal(2);
    expect(first.events.map((e) => [e.position, e.streamVersion])).to.deep.equal([[1, 1], [2, 2]]);
    const second = await store.append('post-1', [{ type: 'PostEdited', data: {} }], { expectedVersion: 2, actor: 'user-a' });
    expect(second.events[0]!.position).to.equal(3);
    expect(second.events[0]!.prevHash).to.equal(first.events[1]!.hash);

    const read = await store.readStream('post-1');
    expect(read.map((e) => e.type)).to.deep.equal(['PostCreated', 'PostTagged', 'PostEdited']);
    expect(read[0]).to.deep.include({ actor: 'user-a', correlationId: 'req-1', policyVersion: 'p1', streamId: 'post-1' });
    expect(read[0]!.data).to.deep.equal({ spaceId: 'all' });
    expect(read[0]!.hash).to.equal(first.events[0]!.hash);
    expect(await store.readStream('post-1', { fromVersion: 3 })).to.have.length(1);
    expect((await store.readAll(1)).map((e) => e.position)).to.deep.equal([2, 3]);
    expect(await store.head()).to.deep.equal({ position: 3, hash: second.events[0]!.hash });
  });

  it('seals personal content under the stream key: unreadable in the table, readable through the store', async function () {
    const { store, db } = world.runtime;
    const text = 'Geheimes Projekt Äpfel: Kickoff am Montag';
    const { events } = await store.append('post-2', [{ type: 'PostCreated', data: { spaceId: 'apollo' }, personal: { text } }], { expectedVersion: 0, actor: 'user-b' });
    const [raw] = await rawRows<{ p: string; d: string }>(db.knex, 'SELECT payload::text AS p, data::text AS d FROM events WHERE position = ?', [events[0]!.position]);
    expect(raw!.p).to.not.include('Kickoff');
    expect(Buffer.from(raw!.p.slice(2), 'hex').toString('latin1')).to.not.include('Kickoff');
    expect(raw!.d).to.not.include('Kickoff');
    const [stored] = await store.readStream('post-2');
    expect(await store.personal(stored!)).to.deep.equal({ state: 'present', value: { text } });
    const keyRows = (await db.knex('stream_keys').where({ stream_id: 'post-2' })) as unknown[];
    expect(keyRows).to.have.length(1);
  });

  it('lets exactly one of two appends with the same expected version win; the other gets the typed conflict', async function () {
    const { store } = world.runtime;
    await store.append('doc', [{ type: 'DocCreated', data: {} }], { expectedVersion: 0, actor: 'a' });
    const results = await Promise.allSettled([
      store.append('doc', [{ type: 'DocEdited', data: { by: 'a' } }], { expectedVersion: 1, actor: 'a' }),
      store.append('doc', [{ type: 'DocEdited', data: { by: 'b' } }], { expectedVersion: 1, actor: 'b' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    expect(lost[0]!.reason).to.be.instanceOf(WrongExpectedVersionError);
    expect(lost[0]!.reason).to.deep.include({ streamId: 'doc', expected: 1, actual: 2 });
    expect(await store.readStream('doc')).to.have.length(2);
    // Creating a stream that exists is a conflict too.
    const again = await store.append('doc', [{ type: 'DocCreated', data: {} }], { expectedVersion: 0, actor: 'a' }).catch((e: unknown) => e);
    expect(again).to.be.instanceOf(WrongExpectedVersionError);
  });

  it('keeps 16 concurrent writers x 500 events gap-free, duplicate-free and verifiable', async function () {
    const { store, db, signingKey, config } = world.runtime;
    const writers = 16;
    const perWriter = 500;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          await store.append(`stream-${(w + i) % 5}`, [{ type: 'Counted', data: { w, i } }], { expectedVersion: 'any', actor: `writer-${w}` });
        }
      }),
    );
    const stats = await rawRows<Record<string, number>>(db.knex, `SELECT count(*)::int AS n, min(position)::int AS lo, max(position)::int AS hi,
        count(DISTINCT (stream_id, stream_version))::int AS versions, count(DISTINCT (data->>'w', data->>'i'))::int AS distinct_writes FROM events`);
    expect(stats[0]).to.deep.equal({ n: writers * perWriter, lo: 1, hi: writers * perWriter, versions: writers * perWriter, distinct_writes: writers * perWriter });
    const perStream = await rawRows<{ n: number; top: number }>(db.knex, 'SELECT stream_id, count(*)::int AS n, max(stream_version)::int AS top FROM events GROUP BY stream_id');
    for (const s of perStream) expect(s.top).to.equal(s.n);
    const report = await verifyChain(db.knex, { certificates: [signingKey.certificate], checkpointFile: config.checkpoints.file });
    expect(report.ok, JSON.stringify(report)).to.equal(true);
    expect(report.events).to.equal(writers * perWriter);
  });

  it('rejects invalid events and writes nothing of them', async function () {
    const { store } = world.runtime;
    const cases: [string, Parameters<typeof store.append>[1]][] = [
      ['lower-case type', [{ type: 'postCreated', data: {} }]],
      ['NaN in data', [{ type: 'X', data: { n: Number.NaN } }]],
      ['NUL in personal content', [{ type: 'X', data: {}, personal: 'a\u0000b' }]],
      ['no events', []],
      ['a Date in data', [{ type: 'X', data: { at: new Date() as unknown as string } }]],
    ];
    for (const [label, events] of cases) {
      const err = await store.append('bad', events, { expectedVersion: 'any', actor: 'a' }).catch((e: unknown) => e);
      expect(err, label).to.be.instanceOf(InvalidEventError);
    }
    const empty = await store.append('ok', [{ type: 'Fine', data: {} }], { expectedVersion: 'any', actor: '' }).catch((e: unknown) => e);
    expect(empty).to.be.instanceOf(InvalidEventError);
    expect(await store.head()).to.deep.include({ position: 0 });
  });

  it('delivers existing and newly appended events to a subscriber in order', async function () {
    const { store } = world.runtime;
    await store.append('s', [{ type: 'A', data: { n: 1 } }, { type: 'A', data: { n: 2 } }], { expectedVersion: 'any', actor: 'a' });
    const seen: RecordedEvent[] = [];
    let reached: () => void = () => undefined;
    const allSeen = new Promise<void>((resolve) => (reached = resolve));
    const subscription = store.subscribe(0, async (events) => {
      seen.push(...events);
      if (seen.length >= 5) reached();
      return Promise.resolve();
    }, { pollMs: 60_000 });
    await store.append('t', [{ type: 'B', data: { n: 3 } }], { expectedVersion: 'any', actor: 'a' });
    await store.append('s', [{ type: 'A', data: { n: 4 } }, { type: 'A', data: { n: 5 } }], { expectedVersion: 'any', actor: 'a' });
    await allSeen;
    await subscription.stop();
    expect(seen.map((e) => e.position)).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('finishes queued appends on close and refuses new ones afterwards', async function () {
    const store = world.runtime.store;
    const pending = Array.from({ length: 50 }, (_, i) => store.append(`c-${i % 3}`, [{ type: 'Queued', data: { i } }], { expectedVersion: 'any', actor: 'a' }));
    const closing = store.close();
    const late = await store.append('c-0', [{ type: 'Late', data: {} }], { expectedVersion: 'any', actor: 'a' }).catch((e: unknown) => e);
    expect(late).to.be.instanceOf(StoreClosedError);
    const results = await Promise.all(pending);
    await closing;
    expect(results).to.have.length(50);
    const count = (await world.runtime.db.knex('events').count('* as n').first()) as { n: unknown };
    expect(Number(count.n)).to.equal(50);
  });

  it('signs a checkpoint after T seconds when fewer than N events arrived', async function () {
    const timed = await createWorld({ FLURFUNK_CHECKPOINT_EVERY: '1000', FLURFUNK_CHECKPOINT_INTERVAL: '1' });
    const runtime = await timed.start({ eventCatalogue: 'off' });
    try {
      await runtime.store.append('slow', [{ type: 'Tick', data: {} }, { type: 'Tick', data: {} }], { expectedVersion: 0, actor: 'a' });
      expect(await listCheckpoints(runtime.db.knex)).to.deep.equal([]);
      let checkpoints = await listCheckpoints(runtime.db.knex);
      for (let waited = 0; checkpoints.length === 0 && waited < 5_000; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        checkpoints = await listCheckpoints(runtime.db.knex);
      }
      expect(checkpoints.map((c) => c.position)).to.deep.equal([2]);
    } finally {
      await timed.stop();
    }
  });

  it('signs checkpoints every N events into the database and the checkpoint file', async function () {
    const { store, db, signingKey, config } = world.runtime;
    for (let i = 0; i < 60; i++) await store.append('cp', [{ type: 'Tick', data: { i } }], { expectedVersion: i, actor: 'a' });
    await store.close();
    const inDb = await listCheckpoints(db.knex);
    const inFile = readCheckpointFile(config.checkpoints.file);
    expect(inDb.map((c) => c.position)).to.deep.equal([25, 50, 60]);
    expect(inFile.checkpoints).to.deep.equal(inDb);
    expect(inFile.problems).to.deep.equal([]);
    for (const c of inDb) expect(c.keyFingerprint).to.equal(signingKey.fingerprint);
  });
});
