// `flurfunk events verify` finds tampering done behind the application's back: a superuser
// disables the append-only trigger and edits, deletes or forges rows.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { verifyChain } from '../../src/events/verify-chain.js';
import { runCli, runCliInProcess } from '../support/processes.js';
import { createWorld, type World } from '../support/world.js';

async function behindTheTriggers(knex: Knex, table: string, sql: string, bindings: readonly (string | number)[] = []): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await trx.raw(sql, bindings);
    await trx.raw(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  });
}

describe('events verify (tamper detection)', function () {
  let world: World;

  // 120 events over a few streams, with checkpoints every 25; the runtime is stopped before
  // each check because the embedded database admits one process at a time. The first two
  // checks run `flurfunk events verify` as a process; the others run the same command line in
  // this process (runCliInProcess).
  beforeEach(async function () {
    world = await createWorld({ FLURFUNK_CHECKPOINT_EVERY: '25' });
    const { store } = await world.start({ eventCatalogue: 'off' });
    for (let i = 0; i < 120; i++) {
      await store.append(`t-${i % 4}`, [{ type: 'Noted', data: { i }, personal: { text: `note ${i}` } }], { expectedVersion: 'any', actor: 'u' });
    }
    await world.stop();
  });

  afterEach(async function () {
    await world.stop();
  });

  async function tamper(fn: (knex: Knex) => Promise<void>): Promise<void> {
    const runtime = await world.start({ eventCatalogue: 'off' });
    await fn(runtime.db.knex);
    await world.stop();
  }

  it('exits 0 with a one-line summary when chain and checkpoints hold', async function () {
    const result = await runCli(['events', 'verify'], world.env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.trim().split('\n')).to.have.length(1);
    expect(result.stdout).to.match(/^chain holds: 120 events, head 120 [0-9a-f]{64}, checkpoints 5 in database and 5 in file verified/);
  });

  it('names the position of an event whose stored content was changed', async function () {
    await tamper((knex) => behindTheTriggers(knex, 'events', `UPDATE events SET data = '{"i": 999}' WHERE position = 42`));
    const result = await runCli(['events', 'verify'], world.env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('chain broken at position 42: its content does not match its hash');
  });

  it('catches an edit whose hash was recomputed: the next event no longer links to it', async function () {
    await tamper(async (knex) => {
      const { eventHash } = await import('../../src/events/chain-hash.js');
      const { EVENT_COLUMNS, fromRow } = await import('../../src/events/event-rows.js');
      const row = (await knex('events').select(EVENT_COLUMNS).where({ position: 42 }).first()) as Parameters<typeof fromRow>[0];
      const forged = { ...fromRow(row), data: { i: 999 } };
      await behindTheTriggers(knex, 'events', 'UPDATE events SET data = ?::jsonb, hash = ? WHERE position = 42', [JSON.stringify(forged.data), eventHash(forged)]);
    });
    const result = await runCliInProcess(['events', 'verify'], world.env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('chain broken at position 43: its prev_hash does not match the hash of position 42');
  });

  it('names the position of an event deleted from the middle', async function () {
    await tamper((knex) => behindTheTriggers(knex, 'events', 'DELETE FROM events WHERE position = 57'));
    const result = await runCliInProcess(['events', 'verify'], world.env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('chain broken at position 57: event missing (the next stored event is at position 58)');
  });

  it('names the first missing position of a hole larger than a verification page', async function () {
    await tamper((knex) => behindTheTriggers(knex, 'events', 'DELETE FROM events WHERE position BETWEEN 20 AND 45'));
    const runtime = await world.start({ eventCatalogue: 'off' });
    const report = await verifyChain(runtime.db.knex, { certificates: [runtime.signingKey.certificate], pageSize: 10 });
    expect(report.chainBreak).to.deep.equal({ position: 20, reason: 'event missing (the next stored event is at position 46)' });
    // Readers skip the hole instead of stalling at it.
    expect((await runtime.store.readAll(19, 5)).map((e) => e.position)).to.deep.equal([46, 47, 48, 49, 50]);
  });

  it('notices events cut from the end, through the signed checkpoints', async function () {
    await tamper((knex) => behindTheTriggers(knex, 'events', 'DELETE FROM events WHERE position > 100'));
    const result = await runCliInProcess(['events', 'verify'], world.env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('chain broken at position 101: event missing: the chain ends at position 100, but a signed checkpoint covers position 120');
  });

  it('fails when a checkpoint signature is swapped for another one', async function () {
    await tamper((knex) =>
      behindTheTriggers(knex, 'checkpoints', `UPDATE checkpoints SET signature = (SELECT signature FROM checkpoints WHERE position = 25) WHERE position = 50`),
    );
    const result = await runCliInProcess(['events', 'verify'], world.env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('checkpoint problem: database checkpoint #2 (position 50): signature does not verify');
  });

  it('fails when the whole chain is rewritten consistently, because the forger cannot sign', async function () {
    // Rewrite every hash from position 30 on, correctly chained, and drop the checkpoints
    // from the database: the checkpoint file outside the database still pins position 50.
    await tamper(async (knex) => {
      const { eventHash } = await import('../../src/events/chain-hash.js');
      const { EVENT_COLUMNS, fromRow } = await import('../../src/events/event-rows.js');
      const rows = (await knex('events').select(EVENT_COLUMNS).orderBy('position')) as Parameters<typeof fromRow>[0][];
      let prev = '';
      await knex.transaction(async (trx) => {
        await trx.raw('ALTER TABLE events DISABLE TRIGGER USER');
        await trx.raw('ALTER TABLE checkpoints DISABLE TRIGGER USER');
        for (const row of rows) {
          const e = fromRow(row);
          if (e.position < 30) {
            prev = e.hash;
            continue;
          }
          const data = e.position === 30 ? { i: -1 } : e.data;
          const hash = eventHash({ ...e, data, prevHash: prev });
          await trx.raw('UPDATE events SET data = ?::jsonb, prev_hash = ?, hash = ? WHERE position = ?', [JSON.stringify(data), prev, hash, e.position]);
          prev = hash;
        }
        await trx.raw('DELETE FROM checkpoints');
        await trx.raw('ALTER TABLE checkpoints ENABLE TRIGGER USER');
        await trx.raw('ALTER TABLE events ENABLE TRIGGER USER');
      });
    });
    const result = await runCliInProcess(['events', 'verify'], world.env);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.include('chain broken at position 50: its hash differs from a signed checkpoint');
  });
});
