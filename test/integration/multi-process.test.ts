// Several processes on one database: on PostgreSQL they share one valid chain; the embedded
// database admits one process at a time and says so.
import { expect } from 'chai';
import { rawRows } from '../../src/db/values.js';
import { verifyChain } from '../../src/events/verify-chain.js';
import { finished, runCli, startTs } from '../support/processes.js';
import { createWorld, databaseKind, type World } from '../support/world.js';

describe('several processes', function () {
  let world: World;
  beforeEach(async function () {
    world = await createWorld({ FLURFUNK_CHECKPOINT_EVERY: '500' });
  });
  afterEach(async function () {
    await world.stop();
  });

  if (databaseKind === 'postgres') {
    it('keeps one gap-free, verifiable chain when two processes append 8 writers x 500 events each to the same streams', async function () {
      const runs = await Promise.all(['p1', 'p2'].map((tag) => finished(startTs('test/fixtures/append-loop.ts', [tag, '8', '500', '1'], world.env))));
      for (const run of runs) {
        expect(run.code, run.stderr).to.equal(0);
        expect(run.stdout).to.include('done 4000');
      }
      const runtime = await world.start();
      const stats = await rawRows<Record<string, number>>(runtime.db.knex, `SELECT count(*)::int AS n, min(position)::int AS lo, max(position)::int AS hi,
          count(DISTINCT (stream_id, stream_version))::int AS versions, count(DISTINCT correlation_id)::int AS appends,
          count(DISTINCT data->>'tag')::int AS processes FROM events`);
      expect(stats[0]).to.deep.equal({ n: 8000, lo: 1, hi: 8000, versions: 8000, appends: 8000, processes: 2 });
      const perStream = await rawRows<{ n: number; top: number }>(runtime.db.knex, 'SELECT count(*)::int AS n, max(stream_version)::int AS top FROM events GROUP BY stream_id');
      for (const s of perStream) expect(s.top).to.equal(s.n);
      const report = await verifyChain(runtime.db.knex, { certificates: [runtime.signingKey.certificate], checkpointFile: runtime.config.checkpoints.file });
      expect(report.ok, JSON.stringify(report)).to.equal(true);
      expect(report.checkpoints.database).to.be.at.least(2);
    });

    it('wakes a subscriber in this process through LISTEN/NOTIFY when another process appends', async function () {
      const runtime = await world.start();
      let received = 0;
      let reached: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => (reached = resolve));
      // Polling only once a minute: only a NOTIFY can deliver within the test's time.
      const subscription = runtime.store.subscribe(0, (events) => {
        received += events.length;
        if (received >= 20) reached();
        return Promise.resolve();
      }, { pollMs: 60_000 });
      await new Promise((resolve) => setTimeout(resolve, 300)); // let LISTEN start
      const run = await finished(startTs('test/fixtures/append-loop.ts', ['other', '2', '10', '1'], world.env));
      expect(run.code, run.stderr).to.equal(0);
      const started = Date.now();
      await arrived;
      expect(Date.now() - started).to.be.below(10_000);
      await subscription.stop();
      expect(received).to.equal(20);
    });
  } else {
    it('refuses a second process on the same embedded data folder, naming the holder', async function () {
      await world.start();
      const result = await runCli(['events', 'verify'], world.env);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.match(new RegExp(`data folder .* is in use by process ${process.pid}@`));
      expect(result.stderr).to.include('use DATABASE_URL for several processes');
    });
  }
});
