// Legal holds end to end: a DPO places, lists, reads and lifts holds through the API (events on
// hold:<id>, the matter sealed); everyone else gets 403 with the reason and nothing is
// recorded; bad input is a 400 naming the field. The retention barrier (LegalHolds) skips
// covered candidates, and a hold placed while a sweep is between its check and its shred comes
// into force only after that shred committed — in one process on either database, and on
// PostgreSQL from another process (the CLI). Employees see that holds exist, never the matter.
import crypto from 'node:crypto';
import { expect } from 'chai';
import { rawRows } from '../../src/db/values.js';
import { holdBarrier } from '../../src/retention/hold-barrier.js';
import type { ShredCandidate } from '../../src/retention/held.js';
import { LegalHolds } from '../../src/retention/legal-holds.js';
import { acceptGuideline, call, person, type Person } from '../support/api.js';
import { startFlurfunk, type TestServer } from '../support/flurfunk-server.js';
import { finished, runCli, runCliInProcess, startTs } from '../support/processes.js';
import { databaseKind } from '../support/world.js';

interface Hold {
  id: string;
  state: string;
  people: string[] | null;
  peopleNotYetKnown: string[];
  spaces: string[] | null;
  from: string | null;
  to: string | null;
  placedBy: string;
  reason: string | null;
  caseReference: string | null;
  liftedBy: string | null;
  liftReason: string | null;
}
interface MyRetention {
  spaces: { spaceId: string; held: boolean }[];
  ownContent: { held: boolean };
}

const REASON = 'Klage Müller gegen ACME: Aufbewahrungspflicht';
const CASE = 'AZ 3 O 123/26';
const day = (d: string) => new Date(`${d}T12:00:00Z`);

describe('legal holds', function () {
  let t: TestServer;
  let dieter: Person;
  let ada: Person;
  let bernd: Person;
  let ines: Person;

  const holdEvents = async () => (await rawRows<{ type: string; stream_id: string; data: Record<string, unknown>; position: string | number }>(t.world.runtime.db.knex, `SELECT type, stream_id, data, position FROM events WHERE type LIKE 'LegalHold%' ORDER BY position`)).map((e) => ({ ...e, position: Number(e.position) }));
  const place = async (body: Record<string, unknown>) => {
    const answer = await call<Hold>(t, dieter, 'POST', '/api/holds', { reason: REASON, caseReference: CASE, ...body });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect(answer.headers.get('location')).to.equal(`/api/holds/${answer.body.id}`);
    return answer.body;
  };
  const lift = async (id: string) => {
    const answer = await call<Hold>(t, dieter, 'POST', `/api/holds/${id}/lift`, { reason: 'Verfahren abgeschlossen, Vergleich' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    return answer.body;
  };
  const candidate = (over: Partial<ShredCandidate> = {}): ShredCandidate => ({ streamId: `post:${crypto.randomUUID()}`, spaceId: 'sales', people: ['bernd'], from: day('2026-02-01'), to: day('2026-02-10'), ...over });
  /**
   * A sweep of `target` held open between its check and the end of its shred: `inShred` settles
   * once it checked (and found no hold), `release` lets the shred end, `holdsWhenShredEnded`
   * counts the hold events the shred saw as it ended.
   */
  const sweepHeldOpen = (holds: LegalHolds, target: ShredCandidate) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inShred = new Promise<void>((r) => (entered = r));
    const state = { holdsWhenShredEnded: -1 };
    const sweep = holds.unlessHeld(target, async () => {
      entered();
      await gate;
      state.holdsWhenShredEnded = (await holdEvents()).length;
    });
    return { sweep, inShred, release, state };
  };

  before(async function () {
    this.timeout(60_000);
    t = await startFlurfunk();
    [dieter, ada, bernd, ines] = [await person(t, 'dieter'), await person(t, 'ada'), await person(t, 'bernd'), await person(t, 'ines')];
  });
  after(async function () {
    await t.stop();
  });

  it('answers 403 with the reason on every hold route for an employee and an admin, and records nothing', async function () {
    const id = crypto.randomUUID();
    for (const who of [ada, ines]) {
      for (const [method, url, body] of [
        ['POST', '/api/holds', { spaces: ['sales'], reason: REASON, caseReference: CASE }],
        ['GET', '/api/holds', undefined],
        ['GET', `/api/holds/${id}`, undefined],
        ['POST', `/api/holds/${id}/lift`, { reason: 'Verfahren abgeschlossen' }],
      ] as const) {
        const answer = await call<{ detail: string }>(t, who, method, url, body);
        expect(answer.status, `${who.id} ${method} ${url}`).to.equal(403);
        expect(answer.body.detail).to.match(/data-protection officers/);
      }
    }
    expect(await holdEvents()).to.deep.equal([]);
    // ... while the DPO may: the same list answers 200.
    expect((await call<{ items: Hold[] }>(t, dieter, 'GET', '/api/holds')).status).to.equal(200);
  });

  it('refuses malformed holds with a 400 naming the problem, and records nothing', async function () {
    for (const [body, detail] of [
      [{ spaces: ['project-apollo', 'marketing'], reason: REASON, caseReference: CASE }, /unknown space "marketing"/],
      [{ reason: REASON, caseReference: CASE }, /at least one of "people", "spaces", "from" or "to"/],
      [{ from: '2026-03-01', to: '2026-01-01', reason: REASON, caseReference: CASE }, /"from" must not be after "to"/],
      [{ people: ['ada'], reason: 'zu kurz', caseReference: CASE }, /"reason" has 7 characters; it needs 10 to 500/],
      [{ people: ['ada'], reason: REASON }, /"caseReference" is required/],
      [{ people: ['ada'], reason: REASON, caseReference: CASE, matter: 'x' }, /unknown field "matter"/],
    ] as const) {
      const answer = await call<{ detail: string }>(t, dieter, 'POST', '/api/holds', body);
      expect(answer.status, JSON.stringify(body)).to.equal(400);
      expect(answer.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(answer.body.detail).to.match(detail);
    }
    expect(await holdEvents()).to.deep.equal([]);
  });

  it('places a hold as an event with clear criteria and the matter sealed, lists it, reads it, and lifts it once with a reason', async function () {
    const hold = await place({ people: ['ada', 'zoe'], spaces: ['project-apollo'], from: '2026-01-01', to: '2026-03-31' });
    expect(hold).to.deep.include({ state: 'active', people: ['ada', 'zoe'], peopleNotYetKnown: ['zoe'], spaces: ['project-apollo'], from: '2026-01-01T00:00:00.000Z', to: '2026-03-31T23:59:59.999Z', placedBy: 'dieter', reason: REASON, caseReference: CASE, liftedBy: null });
    const [placed] = (await t.world.runtime.store.readStream(`hold:${hold.id}`));
    expect(placed!.type).to.equal('LegalHoldPlaced');
    expect(placed!.actor).to.equal('dieter');
    expect(placed!.data).to.deep.equal({ holdId: hold.id, people: ['ada', 'zoe'], spaces: ['project-apollo'], from: '2026-01-01T00:00:00.000Z', to: '2026-03-31T23:59:59.999Z' });
    expect(placed!.payload!.toString('latin1')).not.to.include('Müller').and.not.to.include('3 O 123');

    expect((await call<Hold>(t, dieter, 'GET', `/api/holds/${hold.id}`)).body).to.deep.equal(hold);
    expect((await call(t, dieter, 'GET', `/api/holds/${crypto.randomUUID()}`)).status).to.equal(404);
    expect((await call(t, dieter, 'GET', '/api/holds/nope')).status).to.equal(404);

    const short = await call<{ detail: string }>(t, dieter, 'POST', `/api/holds/${hold.id}/lift`, {});
    expect(short.status).to.equal(400);
    expect(short.body.detail).to.match(/"reason" is required/);
    const lifted = await lift(hold.id);
    expect(lifted).to.deep.include({ state: 'lifted', liftedBy: 'dieter', liftReason: 'Verfahren abgeschlossen, Vergleich', reason: REASON });
    const again = await call<{ detail: string }>(t, dieter, 'POST', `/api/holds/${hold.id}/lift`, { reason: 'Verfahren abgeschlossen, Vergleich' });
    expect(again.status).to.equal(409);
    expect((await t.world.runtime.store.readStream(`hold:${hold.id}`)).map((e) => [e.type, e.actor, e.data])).to.deep.equal([
      ['LegalHoldPlaced', 'dieter', placed!.data],
      ['LegalHoldLifted', 'dieter', { holdId: hold.id }],
    ]);

    const second = await place({ spaces: ['sales'] });
    const first = await call<{ items: Hold[]; next: string | null }>(t, dieter, 'GET', '/api/holds?limit=1');
    expect(first.body.items.map((h) => h.id)).to.deep.equal([second.id]);
    const rest = await call<{ items: Hold[]; next: string | null }>(t, dieter, 'GET', `/api/holds?limit=1&cursor=${first.body.next}`);
    expect(rest.body.items.map((h) => [h.id, h.state])).to.deep.equal([[hold.id, 'lifted']]);
    await lift(second.id);
  });

  it('skips candidates an active hold covers, shreds the others, and forgets lifted holds', async function () {
    const holds = new LegalHolds(t.world.runtime.db);
    const hold = await place({ people: ['bernd'], spaces: ['sales'], from: '2026-02-05' });
    const shredded: string[] = [];
    const shred = (c: ShredCandidate) => () => Promise.resolve(void shredded.push(c.streamId));
    const covered = candidate();
    const elsewhere = candidate({ spaceId: 'all-company' });
    const earlier = candidate({ from: day('2026-01-01'), to: day('2026-02-04') });
    expect(await holds.covering(covered)).to.deep.equal([{ holdId: hold.id }]);
    expect(await holds.unlessHeld(covered, shred(covered))).to.deep.equal([{ holdId: hold.id }]);
    expect(await holds.unlessHeld(elsewhere, shred(elsewhere))).to.equal(undefined);
    expect(await holds.unlessHeld(earlier, shred(earlier))).to.equal(undefined);
    expect(shredded).to.deep.equal([elsewhere.streamId, earlier.streamId]);
    await lift(hold.id);
    expect(await holds.covering(covered)).to.deep.equal([]);
    expect(await holds.unlessHeld(covered, shred(covered))).to.equal(undefined);
    expect(shredded).to.include(covered.streamId);
  });

  it('a hold placed while a sweep is between its check and its shred is recorded only after the shred committed; the next check sees it', async function () {
    const holds = new LegalHolds(t.world.runtime.db);
    const barrier = holdBarrier(t.world.runtime.db);
    const target = candidate({ people: ['ada'], spaceId: 'project-apollo' });
    const before = (await holdEvents()).length;
    const { sweep, inShred, release, state } = sweepHeldOpen(holds, target);
    await inShred; // the sweep has checked: no hold covers the target
    let placedAnswer: Hold | undefined;
    const placing = place({ people: ['ada'], spaces: ['project-apollo'] }).then((h) => (placedAnswer = h));
    // The placement is waiting for the barrier (in this process: its queue), not recorded.
    for (let i = 0; i < 200 && barrier.local.waiting === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(barrier.local.waiting).to.equal(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(placedAnswer).to.equal(undefined);
    expect((await holdEvents()).length).to.equal(before);
    release();
    expect(await sweep).to.equal(undefined); // shredded
    const hold = await placing;
    expect(state.holdsWhenShredEnded).to.equal(before); // the shred finished before the hold existed
    expect((await holdEvents()).length).to.equal(before + 1);
    expect(await holds.unlessHeld(target, () => Promise.reject(new Error('must not shred held content')))).to.deep.equal([{ holdId: hold.id }]);
    await lift(hold.id);
  });

  it('a sweep that checks while a hold is being recorded waits for it and skips the candidate', async function () {
    const runtime = t.world.runtime;
    const holds = new LegalHolds(runtime.db);
    const barrier = holdBarrier(runtime.db);
    const target = candidate({ people: ['ada'], spaceId: 'project-apollo' });
    const holdId = crypto.randomUUID();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let appended!: () => void;
    const isAppended = new Promise<void>((r) => (appended = r));
    // A placement that has appended its event but not yet let go of the barrier.
    const placing = barrier.exclusive(async () => {
      await runtime.store.append(`hold:${holdId}`, [{ type: 'LegalHoldPlaced', data: { holdId, people: ['ada'] }, personal: { reason: REASON, caseReference: CASE } }], { expectedVersion: 0, actor: 'dieter' });
      appended();
      await gate;
    });
    await isAppended;
    let shredCalled = false;
    let outcome: unknown = 'pending';
    const sweep = holds.unlessHeld(target, () => Promise.resolve(void (shredCalled = true))).then((r) => (outcome = r));
    await new Promise((r) => setTimeout(r, 200));
    expect(outcome).to.equal('pending');
    release();
    await placing;
    await sweep;
    expect(outcome).to.deep.equal([{ holdId }]);
    expect(shredCalled).to.equal(false);
    await t.world.runtime.store.append(`hold:${holdId}`, [{ type: 'LegalHoldLifted', data: { holdId }, personal: { reason: 'Testende, aufgehoben' } }], { expectedVersion: 1, actor: 'dieter' });
  });

  // PostgreSQL only: the embedded database admits one process, so there is no other process to race.
  if (databaseKind === 'postgres') {
    it('on PostgreSQL, a hold placed by another process (the CLI) waits for a shred in progress here', async function () {
      this.timeout(60_000);
      const holds = new LegalHolds(t.world.runtime.db);
      const target = candidate({ people: ['bernd'], spaceId: 'sales' });
      const before = (await holdEvents()).length;
      const { sweep, inShred, release, state } = sweepHeldOpen(holds, target);
      await inShred;
      const cli = startTs('src/cli/main.ts', ['hold', 'place', '--as', 'dieter', '--person', 'bernd', '--space', 'sales', '--reason', REASON, '--case', CASE], t.world.env);
      const done = finished(cli);
      // The CLI's session waits for the exclusive advisory lock.
      const waitingForLock = async () => (await rawRows<{ n: string | number }>(t.world.runtime.db.knex, `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND mode = 'ExclusiveLock'`))[0]!.n;
      let waiting = 0;
      for (let i = 0; i < 300 && waiting === 0; i++) {
        waiting = Number(await waitingForLock());
        if (waiting === 0) await new Promise((r) => setTimeout(r, 50));
      }
      expect(waiting).to.equal(1);
      expect((await holdEvents()).length).to.equal(before);
      release();
      expect(await sweep).to.equal(undefined);
      const result = await done;
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/^placed legal hold [0-9a-f-]{36}: /);
      expect(state.holdsWhenShredEnded).to.equal(before);
      const events = await holdEvents();
      expect(events.length).to.equal(before + 1);
      const holdId = events.at(-1)!.data.holdId as string;
      expect(await holds.covering(target)).to.deep.equal([{ holdId }]);
      await lift(holdId);
    });
  }

  it('shows employees which of their spaces and whether their own content are held, never the matter, and not a person’s hold to colleagues', async function () {
    await acceptGuideline(t, ada);
    expect((await call(t, ada, 'POST', '/api/spaces/project-apollo/posts', { text: 'Meilenstein erreicht' })).status).to.equal(201);
    const mine = async (who: Person) => (await call<MyRetention>(t, who, 'GET', '/api/me/retention')).body;
    const heldSpaces = (r: MyRetention) => r.spaces.filter((s) => s.held).map((s) => s.spaceId);

    expect(heldSpaces(await mine(ada))).to.deep.equal([]);
    expect((await mine(ada)).ownContent.held).to.equal(false);

    const onSpace = await place({ spaces: ['project-apollo'] });
    const forAda = await mine(ada);
    expect(heldSpaces(forAda)).to.deep.equal(['project-apollo']);
    expect(forAda.ownContent.held).to.equal(true); // ada wrote in project-apollo
    const forBernd = await mine(bernd);
    expect(forBernd.spaces.map((s) => s.spaceId)).not.to.include('project-apollo'); // not readable for him
    expect(forBernd.ownContent.held).to.equal(false);
    expect(JSON.stringify(forAda)).not.to.include(CASE).and.not.to.include('Müller');
    await lift(onSpace.id);

    const onBernd = await place({ people: ['bernd'] });
    expect((await mine(bernd)).ownContent.held).to.equal(true);
    expect(heldSpaces(await mine(bernd))).to.deep.equal([]); // colleagues do not learn of it
    expect((await mine(ada)).ownContent.held).to.equal(false);
    await lift(onBernd.id);

    const onRange = await place({ from: '2026-01-01', to: '2026-01-31' });
    expect(heldSpaces(await mine(bernd)).length).to.equal((await mine(bernd)).spaces.length).and.to.be.greaterThan(0);
    await lift(onRange.id);
    expect(heldSpaces(await mine(ada))).to.deep.equal([]);
  });
});

describe('flurfunk hold (CLI)', function () {
  let t: TestServer;

  before(async function () {
    this.timeout(60_000);
    t = await startFlurfunk();
    await person(t, 'dieter');
    await person(t, 'ada');
    // The embedded database allows one process: the CLI runs after the server stopped.
    await t.stop();
  });

  // Place, list and lift each run once as a real process; the other cases run the same command
  // line in this process (runCliInProcess), which saves a process start each.
  const hold = (args: string[]) => runCli(['hold', ...args], t.world.env);
  const holdHere = (args: string[]) => runCliInProcess(['hold', ...args], t.world.env);
  const placeArgs = ['--reason', REASON, '--case', CASE];

  it('places, lists and lifts holds on a DPO’s authority, with clear exits', async function () {
    this.timeout(120_000);
    const placed = await hold(['place', '--as', 'dieter', '--person', 'ada', '--person', 'zoe', '--space', 'sales', '--from', '2026-01-01', '--to', '2026-03-31', ...placeArgs]);
    expect(placed.code, placed.stderr).to.equal(0);
    const id = /^placed legal hold ([0-9a-f-]{36}): /.exec(placed.stdout)![1]!;
    expect(placed.stderr).to.match(/zoe has not signed in to Flurfunk yet/);

    const listed = await hold(['list', '--as', 'dieter', '--json']);
    expect(listed.code, listed.stderr).to.equal(0);
    expect((JSON.parse(listed.stdout) as Hold[]).map((h) => [h.id, h.state, h.people, h.spaces, h.from, h.to, h.reason, h.caseReference])).to.deep.equal([
      [id, 'active', ['ada', 'zoe'], ['sales'], '2026-01-01T00:00:00.000Z', '2026-03-31T23:59:59.999Z', REASON, CASE],
    ]);

    const lifted = await hold(['lift', id, '--as', 'dieter', '--reason', 'Verfahren abgeschlossen']);
    expect(lifted.code, lifted.stderr).to.equal(0);
    expect(lifted.stdout).to.equal(`lifted legal hold ${id}\n`);
    const again = await holdHere(['lift', id, '--as', 'dieter', '--reason', 'Verfahren abgeschlossen']);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/lifted already/);
    const text = await holdHere(['list', '--as', 'dieter']);
    expect(text.stdout).to.match(new RegExp(`^${id}  lifted  people ada, zoe; spaces sales; from 2026-01-01T00:00:00.000Z; to 2026-03-31T23:59:59.999Z  \\(placed by dieter at .+, lifted by dieter at .+\\)\\n$`));
  });

  it('refuses those the policy does not name (exit 1) and bad options (exit 2), recording nothing', async function () {
    this.timeout(120_000);
    const runtime = await t.world.start();
    const before = (await runtime.store.readAll(0, 100_000)).length;
    await t.world.stop();
    const cases: [string[], number, RegExp][] = [
      [['place', '--as', 'ada', '--space', 'sales', ...placeArgs], 1, /data-protection officers/],
      [['list', '--as', 'ada'], 1, /data-protection officers/],
      [['place', '--as', 'dieter', '--space', 'marketing', ...placeArgs], 2, /unknown space "marketing"/],
      [['place', '--as', 'dieter', '--person', 'ada', '--reason', 'kurz', '--case', CASE], 2, /--reason has 4 characters; it needs 10 to 500/],
      [['place', '--as', 'dieter', ...placeArgs], 2, /at least one of --person, --space, --from or --to/],
      [['place', '--as', 'nobody', '--space', 'sales', ...placeArgs], 2, /--as nobody: no such person has signed in/],
      [['place', '--as', 'dieter', '--space', 'sales', '--reason', REASON], 2, /required option '--case <ref>' not specified/],
    ];
    for (const [args, code, message] of cases) {
      const result = await holdHere(args);
      expect(result.code, args.join(' ')).to.equal(code);
      expect(result.stderr, args.join(' ')).to.match(message);
    }
    const after = await t.world.start();
    expect((await after.store.readAll(0, 100_000)).length).to.equal(before);
    await t.world.stop();
  });

  it('explains itself with --help', async function () {
    const help = await hold(['place', '--help']);
    expect(help.code).to.equal(0);
    for (const option of ['--as', '--person', '--space', '--from', '--to', '--reason', '--case']) expect(help.stdout).to.include(option);
    expect(help.stdout).to.match(/EVERY criterion/);
  });
});
