// The audience function: exactly the known users the policy lets read a space or a draft.
import { expect } from 'chai';
import { audienceOf, spaceAudience, type KnownUser } from '../../src/policy/audience.js';
import type { CompiledPolicy } from '../../src/policy/compile.js';
import { loadPolicyFolder } from '../../src/policy/load-policy.js';
import { projectRoot } from '../support/processes.js';

const users: KnownUser[] = [
  { id: 'alice', name: 'Alice', groups: ['CN=GG-Apollo,OU=Groups,DC=acme,DC=local', 'GG-Alle'] },
  { id: 'bob', name: 'Bob', groups: ['/GG-Vertrieb', 'GG-Alle'] },
  { id: 'dora', name: 'Dora', groups: ['GG-Datenschutz'] },
  { id: 'greta', name: 'Greta', groups: ['GG-Geschaeftsleitung'] },
  { id: 'hanna', name: 'Hanna', groups: ['b61d0e74-2a9c-4f38-8e15-c7a4d92f0e61'] }, // GG-Personal by Entra id
  { id: 'ingo', name: 'Ingo', groups: ['GG-IT-Admins'] },
];

describe('audience (unit)', function () {
  let policy: CompiledPolicy;
  before(function () {
    policy = loadPolicyFolder(`${projectRoot}/policies`).policy;
  });

  it('of a confidential space: only its read list, with the rule that admits each', function () {
    const audience = spaceAudience(policy, users, 'project-apollo')!;
    expect(audience.readers).to.deep.equal([
      { id: 'alice', name: 'Alice', via: 'space project-apollo: read list' },
      { id: 'greta', name: 'Greta', via: 'space project-apollo: read list' },
    ]);
    expect(audience.excluded).to.equal(4);
  });

  it('of the company space: everyone signed in', function () {
    const audience = spaceAudience(policy, users, 'all-company')!;
    expect(audience.readers.map((r) => r.id)).to.deep.equal(['alice', 'bob', 'dora', 'greta', 'hanna', 'ingo']);
    expect(audience.excluded).to.equal(0);
  });

  it('of the secret HR space: not the admins, although they moderate elsewhere', function () {
    expect(spaceAudience(policy, users, 'hr')!.readers.map((r) => r.id)).to.deep.equal(['hanna']);
  });

  it('of a draft post: the same as its space, and nothing for an unknown space', function () {
    const draft = audienceOf(policy, users, 'Post', { spaceId: 'sales', classification: 'internal', authorId: 'bob', mentions: ['alice'] });
    expect(draft.readers.map((r) => r.id)).to.deep.equal(['bob', 'greta']);
    expect(audienceOf(policy, users, 'Post', { spaceId: 'no-such-space', classification: 'internal', authorId: 'bob' }).readers).to.deep.equal([]);
    expect(spaceAudience(policy, users, 'no-such-space')).to.equal(undefined);
  });
});
