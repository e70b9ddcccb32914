// A retention run killed with SIGKILL in the middle (`flurfunk retention run` as a real
// process) loses nothing and counts nothing twice: the next run records the interrupted one as
// failed, shreds exactly the streams the first had not reached, and every expired stream ends
// with exactly one receipt.
import crypto from 'node:crypto';
import { expect } from 'chai';
import { rawRows } from '../../src/db/values.js';
import { acceptGuideline, call, person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { finished, runCli, startTs, waitForLine } from '../support/processes.js';

/** Enough that a run with one stream per batch takes seconds, so the kill lands in the middle. */
const POSTS = 1_500;

describe('retention interrupted by SIGKILL', function () {
  let t: TestServer;
  const posts: string[] = [];

  before(async function () {
    this.timeout(120_000);
    // Written on 2026-01-02: the hr rule (P6M) has expired them by the time the CLI runs (real clock).
    t = await startFlurfunk({}, { clock: () => new Date('2026-01-02T10:00:00Z') });
    const paula = await person(t, 'paula');
    await acceptGuideline(t, paula);
    const answer = await call<{ id: string }>(t, paula, 'POST', '/api/spaces/hr/posts', { text: 'Personalnotiz 0' });
    expect(answer.status).to.equal(201);
    posts.push(answer.body.id);
    // The rest straight into the store, as the post command appends them (the HTTP path is tested elsewhere; here it would only cost time).
    const { store, policy } = t.world.runtime;
    for (let from = 1; from < POSTS; from += 250) {
      const batch = Array.from({ length: Math.min(250, POSTS - from) }, () => crypto.randomUUID());
      await Promise.all(
        batch.map((postId, i) =>
          store.append(`post:${postId}`, [{ type: 'PostCreated', data: { postId, spaceId: 'hr', classification: 'secret', authorId: 'paula', mentions: [], topics: [] }, personal: { text: `Personalnotiz ${from + i}` } }], {
            expectedVersion: 0,
            actor: 'paula',
            policyVersion: policy!.version,
          }),
        ),
      );
      posts.push(...batch);
    }
    await t.stop();
  });
  after(async function () {
    await t.world.stop();
  });

  it('resumes on the next run without losing or double-counting anything', async function () {
    this.timeout(180_000);
    // One stream per batch, and debug logs, so the test can kill it between two batches.
    const first = startTs('src/cli/main.ts', ['retention', 'run', '--batch', '1'], { ...t.world.env, LOG_LEVEL: 'debug' });
    await waitForLine(first, /retention batch done/);
    first.kill('SIGKILL');
    const killed = await finished(first);
    expect(killed.signal ?? killed.code, 'killed, not finished').to.equal('SIGKILL');

    const second = await runCli(['retention', 'run', '--json'], t.world.env);
    expect(second.code, second.stderr).to.equal(0);
    const report = JSON.parse(second.stdout) as { runId: string; shredded: number; expired: number };

    const runtime = await t.world.start({ policy: { watch: false } });
    const knex = runtime.db.knex;
    const receipts = await rawRows<{ stream_id: string; run_id: string }>(knex, `SELECT stream_id, data->>'runId' AS run_id FROM events WHERE type = 'ContentShredded' ORDER BY position`);
    const perStream = new Map<string, number>();
    for (const r of receipts) perStream.set(r.stream_id, (perStream.get(r.stream_id) ?? 0) + 1);
    expect([...perStream.keys()].sort(), 'every expired post has a receipt').to.deep.equal(posts.map((id) => `post:${id}`).sort());
    expect([...perStream.values()].every((n) => n === 1), 'exactly one each').to.equal(true);

    const byFirst = receipts.filter((r) => r.run_id !== report.runId).length;
    expect(byFirst, 'the first run got some way, not all the way').to.be.within(1, POSTS - 1);
    expect(report.shredded, 'the second run counts only its own').to.equal(POSTS - byFirst);
    expect(report.expired).to.equal(POSTS - byFirst);

    const runs = (await rawRows<{ type: string; data: { runId: string; error?: string } | string }>(knex, `SELECT type, data FROM events WHERE type LIKE 'RetentionRun%' ORDER BY position`)).map((r) => ({
      type: r.type,
      ...(typeof r.data === 'string' ? (JSON.parse(r.data) as { runId: string; error?: string }) : r.data),
    }));
    // The second run starts, finds the first one never ended, records it as interrupted, and completes.
    expect(runs.map((r) => r.type)).to.deep.equal(['RetentionRunStarted', 'RetentionRunStarted', 'RetentionRunFailed', 'RetentionRunCompleted']);
    expect(runs[2]!.runId).to.equal(runs[0]!.runId);
    expect(runs[2]!.error).to.match(/^interrupted/);
    expect(runs[3]!.runId).to.equal(report.runId);
    expect(await knex('posts').whereIn('id', posts)).to.have.length(0);
    expect(await knex('stream_keys').whereIn('stream_id', posts.map((id) => `post:${id}`))).to.have.length(0);
  });
});
