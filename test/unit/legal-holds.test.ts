// Legal holds without a database: when a hold covers a shred candidate (every named criterion
// must match, both sides of each), how a request is read, and the in-process read/write lock
// the barrier rests on.
import { expect } from 'chai';
import { ValidationError } from '../../src/errors.js';
import { ReadWriteLock } from '../../src/retention/hold-barrier.js';
import { covers, type HoldCriteria } from '../../src/retention/hold-criteria.js';
import { holdRequest, liftRequest } from '../../src/retention/hold-request.js';
import type { ShredCandidate } from '../../src/retention/held.js';

const day = (d: string) => new Date(`${d}T12:00:00Z`);
const candidate = (over: Partial<ShredCandidate> = {}): ShredCandidate => ({ streamId: 'post:1', spaceId: 'project-apollo', people: ['ada', 'bernd'], from: day('2026-02-01'), to: day('2026-02-10'), ...over });

describe('legal holds (unit)', function () {
  describe('covers', function () {
    it('matches on people when any of the hold’s people is among the candidate’s, and not otherwise', function () {
      expect(covers({ people: ['clara', 'ada'] }, candidate())).to.equal(true);
      expect(covers({ people: ['clara'] }, candidate())).to.equal(false);
      expect(covers({ people: ['ada'] }, candidate({ people: [] }))).to.equal(false);
    });

    it('matches on spaces only for content in one of them; content in no space never matches a space hold', function () {
      expect(covers({ spaces: ['sales', 'project-apollo'] }, candidate())).to.equal(true);
      expect(covers({ spaces: ['sales'] }, candidate())).to.equal(false);
      expect(covers({ spaces: ['project-apollo'] }, candidate({ spaceId: undefined, streamId: 'conversation:1' }))).to.equal(false);
    });

    it('matches a range that overlaps the candidate’s span, ends inclusive, open ends unbounded', function () {
      const c = candidate();
      const cases: [HoldCriteria, boolean][] = [
        [{ from: day('2026-01-01'), to: day('2026-01-31') }, false], // before
        [{ from: day('2026-02-11'), to: day('2026-03-31') }, false], // after
        [{ from: day('2026-01-01'), to: day('2026-02-01') }, true], // touches the start
        [{ from: day('2026-02-10'), to: day('2026-03-01') }, true], // touches the end
        [{ from: day('2026-02-03'), to: day('2026-02-04') }, true], // inside
        [{ from: day('2026-02-05') }, true],
        [{ from: day('2026-02-11') }, false],
        [{ to: day('2026-01-31') }, false],
        [{ to: day('2026-02-01') }, true],
      ];
      for (const [hold, expected] of cases) expect(covers(hold, c), JSON.stringify(hold)).to.equal(expected);
    });

    it('needs every named criterion: "ada in project-apollo in February" holds neither ada elsewhere nor others there', function () {
      const hold: HoldCriteria = { people: ['ada'], spaces: ['project-apollo'], from: day('2026-02-01'), to: day('2026-02-28') };
      expect(covers(hold, candidate())).to.equal(true);
      expect(covers(hold, candidate({ spaceId: 'sales' }))).to.equal(false);
      expect(covers(hold, candidate({ people: ['bernd'] }))).to.equal(false);
      expect(covers(hold, candidate({ from: day('2026-03-02'), to: day('2026-03-05') }))).to.equal(false);
    });
  });

  describe('holdRequest', function () {
    const base = { reason: 'Klage Müller gegen ACME, Aufbewahrung', caseReference: 'AZ 3 O 123/26' };

    it('reads criteria, trims texts, and takes a date alone as the whole day in UTC', function () {
      const r = holdRequest({ ...base, people: ['ada', 'ada'], spaces: ['project-apollo'], from: '2026-01-01', to: '2026-03-31', reason: `  ${base.reason} ` });
      expect(r).to.deep.equal({ people: ['ada'], spaces: ['project-apollo'], from: new Date('2026-01-01T00:00:00.000Z'), to: new Date('2026-03-31T23:59:59.999Z'), ...base });
      expect(holdRequest({ ...base, from: '2026-01-01T09:00:00+01:00' }).from).to.deep.equal(new Date('2026-01-01T08:00:00Z'));
    });

    it('refuses what is not a hold, naming the field', function () {
      const cases: [unknown, RegExp][] = [
        [base, /at least one of "people", "spaces", "from" or "to"/],
        [{ ...base, spaces: [] }, /"spaces" must be a list/],
        [{ ...base, people: 'ada' }, /"people" must be a list/],
        [{ ...base, from: '2026-03-01', to: '2026-01-01' }, /"from" must not be after "to"/],
        [{ ...base, from: '2026-02-30' }, /"from" must be an ISO 8601 date/],
        [{ ...base, to: 'März' }, /"to" must be an ISO 8601 date/],
        [{ ...base, people: ['ada'], reason: 'kurz' }, /"reason" has 4 characters; it needs 10 to 500/],
        [{ ...base, people: ['ada'], reason: 'x'.repeat(501) }, /"reason" has 501 characters/],
        [{ ...base, people: ['ada'], caseReference: '  ' }, /"caseReference" is empty/],
        [{ people: ['ada'], reason: base.reason }, /"caseReference" is required/],
        [{ ...base, people: ['ada'], person: 'ada' }, /unknown field "person"/],
        [[], /expected a JSON object/],
      ];
      for (const [body, message] of cases) expect(() => holdRequest(body), JSON.stringify(body)).to.throw(ValidationError, message);
    });

    it('needs a reason to lift a hold', function () {
      expect(liftRequest({ reason: 'Verfahren abgeschlossen' })).to.deep.equal({ reason: 'Verfahren abgeschlossen' });
      expect(() => liftRequest({})).to.throw(ValidationError, /"reason" is required/);
    });
  });

  describe('ReadWriteLock', function () {
    it('lets readers share, makes a writer wait for them, and queues later readers behind a waiting writer', async function () {
      const lock = new ReadWriteLock();
      const order: string[] = [];
      let releaseReader!: () => void;
      const reader = lock.shared(() => new Promise<void>((r) => (releaseReader = r)).then(() => void order.push('reader 1 done')));
      await lock.shared(() => Promise.resolve(void order.push('reader 2 shared')));
      const writer = lock.exclusive(() => Promise.resolve(void order.push('writer')));
      const lateReader = lock.shared(() => Promise.resolve(void order.push('late reader')));
      await new Promise((r) => setTimeout(r, 20));
      expect(order).to.deep.equal(['reader 2 shared']);
      expect(lock.waiting).to.equal(2);
      releaseReader();
      await Promise.all([reader, writer, lateReader]);
      expect(order).to.deep.equal(['reader 2 shared', 'reader 1 done', 'writer', 'late reader']);
    });

    it('releases the lock when the work fails', async function () {
      const lock = new ReadWriteLock();
      await lock.exclusive(() => Promise.reject(new Error('boom'))).catch(() => undefined);
      expect(await lock.exclusive(() => Promise.resolve('again'))).to.equal('again');
    });
  });
});
