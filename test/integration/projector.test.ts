// The projector keeps going after a failed batch: it logs, waits, and offers the same batch
// again, so a lost connection or a failing projection does not freeze every read model.
import { expect } from 'chai';
import { Projector, type Projection } from '../../src/events/projector.js';
import type { RecordedEvent } from '../../src/events/types.js';
import { createWorld } from '../support/world.js';

describe('projector', function () {
  it('retries a batch that failed and applies each event once', async function () {
    const world = await createWorld();
    const runtime = await world.start({ eventCatalogue: 'off' });
    const applied: number[] = [];
    let failures = 2;
    let seenFailing: Date | undefined;
    const flaky: Projection = {
      name: 'flaky_test',
      types: new Set(['Noted']),
      apply(_trx, events) {
        if (failures > 0) {
          failures--;
          seenFailing = projector.health().failingSince;
          return Promise.reject(new Error('the database went away'));
        }
        applied.push(...events.map((e) => e.event.position));
        return Promise.resolve();
      },
      clear: () => Promise.resolve(),
    };
    const projector = await Projector.start(runtime.db.knex, runtime.store, [flaky], runtime.logger);
    try {
      const result = await runtime.store.append('notes', [{ type: 'Noted', data: {} }, { type: 'Other', data: {} }, { type: 'Noted', data: {} }], { expectedVersion: 0, actor: 'u' });
      const positions = result.events.map((e: RecordedEvent) => e.position);
      await projector.waitFor(positions[2]!);
      expect(failures).to.equal(0);
      // While it failed, readiness could see it; once a batch went through, it is healthy again.
      expect(seenFailing).to.be.instanceOf(Date);
      expect(projector.health()).to.deep.equal({ position: positions[2], failingSince: undefined });
      expect(applied).to.deep.equal([positions[0], positions[2]]);
      const row = await runtime.db.knex('projection_positions').where({ name: 'flaky_test' }).first<{ position: string | number }>();
      expect(Number(row.position)).to.equal(positions[2]);
    } finally {
      await projector.stop();
      await world.stop();
    }
  });
});

describe('projector positions', function () {
  it('writes no transaction for a projection a batch has nothing for, yet records progress past a long idle run', async function () {
    const world = await createWorld();
    const runtime = await world.start({ eventCatalogue: 'off' });
    const seen: number[] = [];
    const rare: Projection = {
      name: 'rare_test',
      types: new Set(['Rare']),
      apply(_trx, events) {
        seen.push(...events.map((e) => e.event.position));
        return Promise.resolve();
      },
      clear: () => Promise.resolve(),
    };
    const positionOf = async () => Number(((await runtime.db.knex('projection_positions').where({ name: 'rare_test' }).first()) as { position: string | number }).position);
    const projector = await Projector.start(runtime.db.knex, runtime.store, [rare], runtime.logger);
    try {
      const few = await runtime.store.append('noise', Array.from({ length: 10 }, () => ({ type: 'Common', data: {} })), { expectedVersion: 'any', actor: 'u' });
      await projector.waitFor(few.events.at(-1)!.position);
      const before = await positionOf();
      expect(before, 'no write for a short run it does not read').to.be.below(few.events.at(-1)!.position);
      let last = 0;
      for (let i = 0; i < 11; i++) last = (await runtime.store.append('noise', Array.from({ length: 1_000 }, () => ({ type: 'Common', data: {} })), { expectedVersion: 'any', actor: 'u' })).events.at(-1)!.position;
      await projector.waitFor(last);
      expect(await positionOf(), 'recorded once it fell 10,000 events behind').to.be.within(last - 10_000, last);
      const rareOne = await runtime.store.append('rare', [{ type: 'Rare', data: {} }], { expectedVersion: 'any', actor: 'u' });
      await projector.waitFor(rareOne.events[0]!.position);
      expect(seen).to.deep.equal([rareOne.events[0]!.position]);
      expect(await positionOf()).to.equal(rareOne.events[0]!.position);
    } finally {
      await projector.stop();
      await world.stop();
    }
  });
});
