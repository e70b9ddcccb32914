import crypto from 'node:crypto';
import { expect } from 'chai';
import { canonicalEventText, eventHash, GENESIS_HASH } from '../../src/events/chain-hash.js';
import { chainBatch } from '../../src/events/chain-batch.js';
import { refKey } from '../../src/keys/data-keys.js';
import { open, seal } from '../../src/keys/aead.js';
import { WrongExpectedVersionError } from '../../src/errors.js';

const base = {
  position: 1,
  id: '00000000-0000-4000-8000-000000000001',
  streamId: 'post-1',
  streamVersion: 1,
  type: 'PostCreated',
  occurredAt: new Date('2026-11-28T12:00:00.000Z'),
  actor: 'user-1',
  data: { spaceId: 'all-company', b: [1, 2.5, 'ä'], a: null },
  payload: Buffer.from([1, 2, 3]),
  policyVersion: null,
  correlationId: 'req-1',
  prevHash: GENESIS_HASH,
};

describe('hash chain (unit)', function () {
  it('hashes the documented canonical form (the vector in audit/hash-chain.md)', function () {
    const text = canonicalEventText(base);
    expect(text).to.equal(
      '{"actor":"user-1","correlationId":"req-1","data":{"a":null,"b":[1,2.5,"ä"],"spaceId":"all-company"},"id":"00000000-0000-4000-8000-000000000001","occurredAt":"2026-11-28T12:00:00.000Z","payload":"AQID","policyVersion":null,"position":1,"prevHash":"0000000000000000000000000000000000000000000000000000000000000000","streamId":"post-1","streamVersion":1,"type":"PostCreated"}',
    );
    expect(eventHash(base)).to.equal(crypto.createHash('sha256').update(text, 'utf8').digest('hex'));
  });

  it('does not depend on key order, and changes with every field', function () {
    expect(eventHash({ ...base, data: { b: [1, 2.5, 'ä'], spaceId: 'all-company', a: null } })).to.equal(eventHash(base));
    const changed = [
      { position: 2 }, { id: crypto.randomUUID() }, { streamId: 'post-2' }, { streamVersion: 2 }, { type: 'PostEdited' },
      { occurredAt: new Date('2026-11-28T12:00:00.001Z') }, { actor: 'user-2' }, { data: {} }, { payload: null }, { payload: Buffer.from([1, 2, 4]) },
      { policyVersion: 'abc' }, { correlationId: null }, { prevHash: 'f'.repeat(64) },
    ];
    const hashes = new Set(changed.map((c) => eventHash({ ...base, ...c })));
    expect(hashes.size).to.equal(changed.length);
    expect(hashes.has(eventHash(base))).to.equal(false);
  });
});

describe('chainBatch (unit)', function () {
  const key = crypto.randomBytes(32);
  let n = 0;
  const inputs = (versions: Record<string, number>) => ({
    head: { position: 10, hash: 'a'.repeat(64) },
    versions: new Map(Object.entries(versions)),
    keys: new Map([[refKey({ streamId: 's1', owner: 'u' }), key]]),
    now: new Date('2026-11-28T12:00:00.000Z'),
    newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });

  it('chains events from the head, numbers stream versions, and seals personal content under the stream key', function () {
    const batch = chainBatch(
      [
        { streamId: 's1', expectedVersion: 3, events: [{ type: 'A', data: {}, personal: { text: 'hi' } }, { type: 'B', data: {} }], context: { actor: 'u' } },
        { streamId: 's2', expectedVersion: 'any', events: [{ type: 'C', data: { x: 1 } }], context: { actor: 'v', correlationId: 'r' } },
      ],
      inputs({ s1: 3, s2: 0 }),
    );
    expect(batch.events.map((e) => [e.position, e.streamId, e.streamVersion])).to.deep.equal([[11, 's1', 4], [12, 's1', 5], [13, 's2', 1]]);
    expect(batch.events[0]!.prevHash).to.equal('a'.repeat(64));
    expect(batch.events[1]!.prevHash).to.equal(batch.events[0]!.hash);
    expect(batch.head).to.deep.equal({ position: 13, hash: batch.events[2]!.hash });
    for (const e of batch.events) expect(eventHash(e)).to.equal(e.hash);
    const first = batch.events[0]!;
    expect(JSON.parse(open(key, first.payload!, first.id).toString())).to.deep.equal({ text: 'hi' });
    expect(batch.versions.get('s1')).to.equal(5);
  });

  it('refuses only the appends whose expected version is wrong, in queue order', function () {
    const batch = chainBatch(
      [
        { streamId: 's1', expectedVersion: 0, events: [{ type: 'A', data: {} }], context: { actor: 'u' } },
        { streamId: 's1', expectedVersion: 1, events: [{ type: 'A', data: {} }], context: { actor: 'u' } },
        { streamId: 's1', expectedVersion: 1, events: [{ type: 'A', data: {} }], context: { actor: 'u' } },
      ],
      inputs({ s1: 0 }),
    );
    expect(batch.outcomes[0]).to.not.be.instanceOf(Error);
    expect(batch.outcomes[1]).to.not.be.instanceOf(Error);
    expect(batch.outcomes[2]).to.be.instanceOf(WrongExpectedVersionError).and.deep.include({ expected: 1, actual: 2 });
    expect(batch.events).to.have.length(2);
  });
});

describe('sealed boxes (unit)', function () {
  it('open only with the same key and associated data', function () {
    const key = crypto.randomBytes(32);
    const box = seal(key, Buffer.from('Gehaltsliste'), 'event-1');
    expect(open(key, box, 'event-1').toString()).to.equal('Gehaltsliste');
    expect(() => open(key, box, 'event-2')).to.throw();
    expect(() => open(crypto.randomBytes(32), box, 'event-1')).to.throw();
    const flipped = Buffer.from(box);
    flipped[20]! ^= 1;
    expect(() => open(key, flipped, 'event-1')).to.throw();
  });
});
