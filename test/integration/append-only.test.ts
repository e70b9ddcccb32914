// The database itself refuses to change history: triggers for everyone, and on a PostgreSQL
// server also the missing privileges of the application's role.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import knexFactory from 'knex';
import { AppendOnlyViolationError } from '../../src/errors.js';
import { translateDriverError, sqlState } from '../../src/db/errors.js';
import { loadConfig } from '../../src/config/config.js';
import { startRuntime } from '../../src/runtime.js';
import { projectRoot } from '../support/processes.js';
import { createWorld, databaseKind, testLogger, type World } from '../support/world.js';

async function refused(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('the statement was not refused');
}

describe('append-only events table', function () {
  let world: World;
  before(async function () {
    world = await createWorld();
    await world.start({ eventCatalogue: 'off' });
    await world.runtime.store.append('s', [{ type: 'A', data: { n: 1 } }, { type: 'A', data: { n: 2 } }], { expectedVersion: 0, actor: 'a' });
    await world.runtime.store.close();
  });
  after(async function () {
    await world.stop();
  });

  for (const [label, sql] of [
    ['UPDATE', "UPDATE events SET data = '{}' WHERE position = 1"],
    ['DELETE', 'DELETE FROM events WHERE position = 2'],
    ['TRUNCATE', 'TRUNCATE events'],
    ['UPDATE of a checkpoint', "UPDATE checkpoints SET signature = 'x'"],
    ['TRUNCATE of checkpoints', 'TRUNCATE checkpoints'],
    ['DELETE of the installation binding', 'DELETE FROM installation'],
  ] as const) {
    it(`refuses ${label} through the application's connection`, async function () {
      const err = await refused(world.runtime.db.knex.raw(sql));
      expect(translateDriverError(err)).to.be.instanceOf(AppendOnlyViolationError);
      expect((err as Error).message).to.match(/append-only/);
    });
  }

  it('still allows reading and appending, and the refused statements changed nothing', async function () {
    const rows = await world.runtime.db.knex<{ position: unknown; data: unknown }>('events').orderBy('position').select('position', 'data');
    expect(rows.map((r) => [Number(r.position), r.data])).to.deep.equal([[1, { n: 1 }], [2, { n: 2 }]]);
  });

  if (databaseKind === 'postgres') {
    describe('the flurfunk_app role (deploy/postgres/app-role.sql)', function () {
      let appUrl: string;
      before(async function () {
        await world.runtime.db.knex.raw(fs.readFileSync(path.join(projectRoot, 'deploy/postgres/app-role.sql'), 'utf8'));
        const u = new URL(world.env.DATABASE_URL!);
        u.username = 'flurfunk_app';
        u.password = '';
        appUrl = u.toString();
      });

      it('lacks UPDATE, DELETE and TRUNCATE on the events table (permission denied before any trigger)', async function () {
        const app = knexFactory({ client: 'pg', connection: appUrl, pool: { min: 0, max: 1 } });
        try {
          for (const sql of ["UPDATE events SET data = '{}' WHERE position = 1", 'DELETE FROM events', 'TRUNCATE events', 'ALTER TABLE events DISABLE TRIGGER USER']) {
            const err = await refused(app.raw(sql));
            expect(sqlState(err), sql).to.equal('42501');
          }
          const count = (await app('events').count('* as n').first()) as { n: unknown };
          expect(Number(count.n)).to.equal(2);
        } finally {
          await app.destroy();
        }
      });

      it('can run Flurfunk: append through the store as flurfunk_app, and the chain continues', async function () {
        const config = loadConfig({ ...world.env, DATABASE_URL: appUrl });
        const runtime = await startRuntime(config, testLogger, { migrate: true, eventCatalogue: 'off' });
        try {
          const result = await runtime.store.append('s', [{ type: 'A', data: { n: 3 }, personal: 'as app role' }], { expectedVersion: 2, actor: 'a' });
          expect(result.events[0]!.position).to.equal(3);
          expect(await runtime.store.personal(result.events[0]!)).to.deep.equal({ state: 'present', value: 'as app role' });
        } finally {
          await runtime.close();
        }
      });
    });
  }
});
