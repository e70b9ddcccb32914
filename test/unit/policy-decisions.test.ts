// Decisions of the compiled policy: who someone is (groups in every form the identity
// provider sends, roles), deny over allow, the confidentiality guard, explanations that name
// the deciding line, untagged objects, and the ability cache. Every test checks both sides:
// that the allowed is allowed and that the denied is denied.
import path from 'node:path';
import { expect } from 'chai';
import { buildPolicySet } from '../../src/policy/build-policy-set.js';
import { ordinaryActionsOf, SPACE_CONTENT, type SubjectType } from '../../src/policy/catalogue.js';
import { asSubject, CompiledPolicy } from '../../src/policy/compile.js';
import { decide, formatDecision, NOTHING_ALLOWS, type Decision } from '../../src/policy/explain.js';
import { readPolicyFiles } from '../../src/policy/policy-folder.js';
import type { Principal } from '../../src/policy/principal.js';
import { formatProblem } from '../../src/policy/yaml-source.js';
import { projectRoot } from '../support/processes.js';

function compiled(folder: string, prefix: string): CompiledPolicy {
  const result = buildPolicySet(readPolicyFiles(path.join(projectRoot, folder)), prefix);
  if (!result.ok) throw new Error(`fixture ${folder} is invalid:\n${result.problems.map(formatProblem).join('\n')}`);
  return new CompiledPolicy(result.set);
}

// test/fixtures/policies/decisions: the lines named below are in its spaces.yaml and rules.yaml.
const policy = compiled('test/fixtures/policies/decisions', 'decisions/');

const APOLLO_ID = '3f8a2c1e-5b7d-4e91-a0c4-9d2e6f1b7a35';
const GUARD = 'confidentiality guard (built in): content of a confidential space is closed to everyone outside its read list';
const GUARD_REASON = 'only the people on the read list of a confidential space may see its content';

function who(id: string, ...groups: string[]): Principal {
  return policy.principal({ id, groups });
}

function decision(principal: Principal, action: string, type: SubjectType, fields: Record<string, unknown> = {}): Decision {
  return decide(policy, principal, action, type, fields);
}

/** "allow"/"deny" and where it was decided: `file:line`, "guard", or "nothing". */
function outcome(d: Decision): string {
  const by = d.rule === undefined ? 'nothing' : d.rule.at ? `${d.rule.at.file}:${d.rule.at.line}` : 'guard';
  return `${d.allowed ? 'allow' : 'deny'} by ${by}`;
}

/** A record tagged as CASL must see it. The cast is explain.ts's own: AppAbility's subject
 * type names only the type strings, not tagged records. */
function tagged(type: SubjectType, fields: Record<string, unknown>): never {
  return asSubject(type, fields) as never;
}

/** One line per ordinary action on each kind of space content: `read Post: <what f says>`. */
function everyContentAction(f: (type: SubjectType, action: string) => string): string[] {
  return SPACE_CONTENT.flatMap((type) => ordinaryActionsOf(type).map((action) => `${action} ${type}: ${f(type, action)}`));
}

const apolloPost = { spaceId: 'project-apollo', classification: 'confidential', authorId: 'alice' };

describe('policy decisions', function () {
  describe('group normalization', function () {
    const spellings = [
      'GG-Apollo',
      '/GG-Apollo',
      '/Parent/GG-Apollo',
      '/Parent/gg-apollo/',
      'CN=GG-Apollo,OU=Groups,DC=acme,DC=local',
      'cn=gg-apollo,ou=Groups,dc=acme,dc=local',
      APOLLO_ID,
      APOLLO_ID.toUpperCase(),
      'gg-APOLLO',
      '  GG-Apollo  ',
    ];
    for (const sent of spellings) {
      it(`takes ${JSON.stringify(sent)} as GG-Apollo, the files' spelling, and lets it read Apollo`, function () {
        const p = who('alice', sent);
        expect(p.groups).to.deep.equal(['GG-Apollo']);
        expect(outcome(decision(p, 'read', 'Post', apolloPost))).to.equal('allow by decisions/spaces.yaml:12');
      });
    }

    it('reads the CN of an LDAP DN with an escaped comma as one group name', function () {
      const archivist = who('anna', 'CN=GG\\, Apollo,OU=Groups,DC=acme,DC=local');
      expect(archivist.groups).to.deep.equal(['GG, Apollo']);
      const archived = { spaceId: 'apollo-archive', classification: 'secret', authorId: 'alice' };
      expect(outcome(decision(archivist, 'read', 'Post', archived))).to.equal('allow by decisions/spaces.yaml:18');
      // "GG, Apollo" is not GG-Apollo: the archivist does not read Apollo, an Apollo member not the archive.
      expect(outcome(decision(archivist, 'read', 'Post', apolloPost))).to.equal('deny by guard');
      expect(outcome(decision(who('alice', 'CN=GG-Apollo,OU=Groups,DC=acme,DC=local'), 'read', 'Post', archived))).to.equal('deny by guard');
    });

    it('merges the spellings of one group, sorts, and keeps unknown groups as sent without granting anything', function () {
      const p = who('alice', APOLLO_ID, '/GG-Apollo', 'CN=gg-apollo,OU=Groups,DC=acme,DC=local', 'GG-Unbekannt', 'GG-Alle');
      expect(p.groups).to.deep.equal(['GG-Alle', 'GG-Apollo', 'GG-Unbekannt']);
      const stranger = who('sven', 'GG-Unbekannt', 'CN=GG-Apollo2,OU=Groups,DC=acme,DC=local', '/Apollo/GG-Apollo-Alt');
      expect(stranger.groups).to.deep.equal(['GG-Apollo-Alt', 'GG-Apollo2', 'GG-Unbekannt']);
      expect(outcome(decision(stranger, 'read', 'Post', apolloPost))).to.equal('deny by guard');
    });
  });

  describe('roles', function () {
    it('gives everyone the everyone-role, and group and user roles only to their members', function () {
      expect(who('nobody').roles).to.deep.equal(['employee']);
      expect(who('dora', 'CN=GG-Datenschutz,OU=Groups,DC=acme,DC=local').roles).to.deep.equal(['dpo', 'employee']);
      expect(who('ingo', '/GG-IT-Admins').roles).to.deep.equal(['admin', 'employee']);
      expect(who('erin').roles).to.deep.equal(['auditor', 'employee']);
      expect(who('erik', 'GG-Vertrieb').roles).to.deep.equal(['employee']);
    });

    it('decides by role: the everyone-role reads the company space, a user role reads the audit trail', function () {
      expect(outcome(decision(who('nobody'), 'read', 'Post', { spaceId: 'all-company', classification: 'internal' }))).to.equal('allow by decisions/spaces.yaml:6');
      expect(outcome(decision(who('nobody'), 'read', 'Post', { spaceId: 'sales', classification: 'internal' }))).to.equal('deny by nothing');
      expect(outcome(decision(who('erin'), 'read', 'AuditLog'))).to.equal('allow by decisions/rules.yaml:27');
      expect(outcome(decision(who('erik'), 'read', 'AuditLog'))).to.equal('deny by nothing');
    });
  });

  describe('deny over allow', function () {
    it('has the deny written before the allow in the fixture (the premise of the next test)', function () {
      const exportRules = policy.set.rules.filter((r) => r.subject === 'Post' && r.actions.includes('export'));
      expect(exportRules.map((r) => `${r.effect} ${r.at.line}`)).to.deep.equal(['deny 3', 'allow 8', 'allow 14']);
    });

    it('denies what a later allow rule allows, and allows what the deny does not cover', function () {
      const dora = who('dora', 'GG-Datenschutz', 'GG-Apollo');
      const internal = decision(dora, 'export', 'Post', { spaceId: 'all-company', classification: 'internal' });
      expect(outcome(internal)).to.equal('allow by decisions/rules.yaml:8');
      const confidential = decision(dora, 'export', 'Post', apolloPost);
      expect(outcome(confidential)).to.equal('deny by decisions/rules.yaml:3');
      expect(confidential.reason).to.equal('Confidential posts never leave Flurfunk');
      // Someone without the allow is denied for want of a rule, not by the deny.
      expect(outcome(decision(who('bob', 'GG-Vertrieb'), 'export', 'Post', { spaceId: 'sales', classification: 'internal' }))).to.equal('deny by nothing');
    });
  });

  describe('confidentiality guard', function () {
    const admin = who('ingo', 'GG-IT-Admins');
    /** The line of the admin's `allow: manage` rule for each kind of space content. */
    const line: Record<string, number> = { Post: 14, Comment: 17, Attachment: 20, Space: 23 };

    for (const [spaceId, classification] of [['project-apollo', 'confidential'], ['apollo-archive', 'secret']] as const) {
      it(`denies an admin outside the read list every action on every kind of content in the ${classification} space, despite allow: manage`, function () {
        const decided = everyContentAction((type, action) => outcome(decision(admin, action, type, { spaceId, classification })));
        expect(decided).to.deep.equal(everyContentAction(() => 'deny by guard'));
        expect(decision(admin, 'read', 'Post', { spaceId, classification }).reason).to.equal(GUARD_REASON);
      });
    }

    it('allows the same admin every action on the content of a non-confidential space by the manage rules', function () {
      const decided = everyContentAction((type, action) => outcome(decision(admin, action, type, { spaceId: 'sales', classification: 'internal' })));
      expect(decided).to.deep.equal(everyContentAction((type) => `allow by decisions/rules.yaml:${line[type]}`));
    });

    it('allows an admin on the read list every action in the confidential space (but export, which a rule denies)', function () {
      const member = who('ida', 'GG-IT-Admins', 'GG-Apollo');
      const decided = everyContentAction((type, action) => outcome(decision(member, action, type, apolloPost)));
      // The allow rules come after the space lists, so the manage rule is named even for reading.
      expect(decided).to.deep.equal(everyContentAction((type, action) => (type === 'Post' && action === 'export' ? 'deny by decisions/rules.yaml:3' : `allow by decisions/rules.yaml:${line[type]}`)));
    });

    it('lets a plain member read and post by the space lists, and nothing more', function () {
      const alice = who('alice', 'GG-Apollo');
      expect(outcome(decision(alice, 'read', 'Space', { spaceId: 'project-apollo' }))).to.equal('allow by decisions/spaces.yaml:12');
      for (const type of ['Post', 'Comment', 'Attachment'] as const) {
        expect(outcome(decision(alice, 'read', type, apolloPost)), `read ${type}`).to.equal('allow by decisions/spaces.yaml:12');
        expect(outcome(decision(alice, 'create', type, apolloPost)), `create ${type}`).to.equal('allow by decisions/spaces.yaml:13');
        expect(outcome(decision(alice, 'delete', type, apolloPost)), `delete ${type}`).to.equal('deny by nothing');
      }
    });
  });

  describe('privileged reads (inspect)', function () {
    const dora = who('dora', 'GG-Datenschutz');
    const admin = who('ingo', 'GG-IT-Admins');

    it('is not part of manage: an admin allowed everything on posts may not inspect, anywhere', function () {
      for (const fields of [{ spaceId: 'sales', classification: 'internal' }, apolloPost]) {
        expect(outcome(decision(admin, 'inspect', 'Post', fields))).to.equal('deny by nothing');
        expect(decision(admin, 'update', 'Post', fields).allowed).to.equal(fields !== apolloPost); // manage itself still works (the guard closes Apollo)
      }
    });

    it('reaches past the confidentiality guard when a rule names it, without opening ordinary reading', function () {
      expect(outcome(decision(dora, 'inspect', 'Post', apolloPost))).to.equal('allow by decisions/rules.yaml:32');
      expect(outcome(decision(dora, 'read', 'Post', apolloPost))).to.equal('deny by guard');
      // The rule knows through which role it applied: the notice names that role, not the person.
      expect(decision(dora, 'inspect', 'Post', apolloPost).rule).to.deep.include({ via: ['dpo'] });
      expect(outcome(decision(who('bob', 'GG-Vertrieb'), 'inspect', 'Post', apolloPost))).to.equal('deny by nothing');
    });

    it('is stopped by a deny rule: the secret archive stays closed to inspection', function () {
      const archived = { spaceId: 'apollo-archive', classification: 'secret', authorId: 'alice' };
      const d = decision(dora, 'inspect', 'Post', archived);
      expect(outcome(d)).to.equal('deny by decisions/rules.yaml:35');
      expect(d.reason).to.equal('Secret spaces are not opened for inspection');
    });
  });

  describe('explain', function () {
    it('names the space list that allowed', function () {
      const alice = who('alice', 'CN=GG-Apollo,OU=Groups,DC=acme,DC=local');
      expect(formatDecision(decision(alice, 'read', 'Post', apolloPost), alice, 'read', 'Post')).to.equal(
        ['ALLOW read Post for alice (groups: GG-Apollo; roles: employee)', '  decided by decisions/spaces.yaml:12: space project-apollo: read list'].join('\n'),
      );
    });

    it('names the rule that allowed and the rule that denied, with its reason', function () {
      const dora = who('dora', 'GG-Datenschutz', 'GG-Apollo');
      const internal = { spaceId: 'all-company', classification: 'internal' };
      expect(formatDecision(decision(dora, 'export', 'Post', internal), dora, 'export', 'Post')).to.equal(
        ['ALLOW export Post for dora (groups: GG-Apollo, GG-Datenschutz; roles: dpo, employee)', '  decided by decisions/rules.yaml:8: allow export Post for role dpo'].join('\n'),
      );
      expect(formatDecision(decision(dora, 'export', 'Post', apolloPost), dora, 'export', 'Post')).to.equal(
        [
          'DENY export Post for dora (groups: GG-Apollo, GG-Datenschutz; roles: dpo, employee)',
          '  decided by decisions/rules.yaml:3: deny export Post for role employee when classification one of [confidential, secret]',
          '  reason: Confidential posts never leave Flurfunk',
        ].join('\n'),
      );
    });

    it('names the built-in guard', function () {
      const bob = who('bob', 'GG-Vertrieb');
      const d = decision(bob, 'read', 'Post', apolloPost);
      expect(d.rule).to.deep.equal({ at: undefined, summary: GUARD });
      expect(formatDecision(d, bob, 'read', 'Post')).to.equal(
        ['DENY read Post for bob (groups: GG-Vertrieb; roles: employee)', `  decided by the ${GUARD}`, `  reason: ${GUARD_REASON}`].join('\n'),
      );
    });

    it('says "no rule allows it" when nothing matched', function () {
      const bob = who('bob', 'GG-Vertrieb');
      const d = decision(bob, 'create', 'LegalHold');
      expect(d).to.deep.equal({ allowed: false, rule: undefined, reason: NOTHING_ALLOWS });
      expect(formatDecision(d, bob, 'create', 'LegalHold')).to.equal(['DENY create LegalHold for bob (groups: GG-Vertrieb; roles: employee)', '  no rule allows it (the default is deny)'].join('\n'));
    });
  });

  describe('subject tagging', function () {
    it('denies an untagged plain object that the same record, tagged, is allowed', function () {
      const admin = who('ingo', 'GG-IT-Admins');
      const ability = policy.abilityFor(admin);
      const record = { spaceId: 'sales', classification: 'internal', authorId: 'bob' };
      expect(ability.can('read', tagged('Post', record))).to.equal(true);
      expect(ability.can('delete', tagged('Post', record))).to.equal(true);
      expect(ability.can('read', record as never)).to.equal(false);
      expect(ability.can('delete', record as never)).to.equal(false);
      expect(ability.can('read', { ...record, spaceId: 'all-company' } as never)).to.equal(false);
    });
  });

  describe('ability cache', function () {
    it('returns the same ability for the same person and groups, however the groups were spelled', function () {
      const first = policy.abilityFor(who('bob', 'GG-Vertrieb'));
      expect(policy.abilityFor(who('bob', 'GG-Vertrieb'))).to.equal(first);
      expect(policy.abilityFor(who('bob', 'CN=GG-Vertrieb,OU=Groups,DC=acme,DC=local'))).to.equal(first);
    });

    it('builds a new ability for other groups or another person, and each decides for its own principal', function () {
      const bob = who('bob', 'GG-Vertrieb');
      const bobInApollo = who('bob', 'GG-Vertrieb', 'GG-Apollo');
      const ability = policy.abilityFor(bob);
      const wider = policy.abilityFor(bobInApollo);
      expect(wider).to.not.equal(ability);
      expect(policy.abilityFor(who('carl', 'GG-Vertrieb'))).to.not.equal(ability);
      expect(wider.can('read', tagged('Post', apolloPost))).to.equal(true);
      expect(ability.can('read', tagged('Post', apolloPost))).to.equal(false);
      // The cached narrower ability is still the narrower one after the wider one was built.
      expect(policy.abilityFor(bob)).to.equal(ability);
      expect(outcome(decision(bob, 'read', 'Post', apolloPost))).to.equal('deny by guard');
      expect(outcome(decision(bobInApollo, 'read', 'Post', apolloPost))).to.equal('allow by decisions/spaces.yaml:12');
    });

    it('keys the cache by roles too: a principal from another policy version does not leave its ability behind', function () {
      const current = who('mia', 'GG-Vertrieb');
      const stale = { ...current, roles: [...current.roles, 'admin'] };
      expect(policy.abilityFor(stale)).to.not.equal(policy.abilityFor(current));
      const post = asSubject('Post', { spaceId: 'sales', classification: 'internal', authorId: 'someone-else', mentions: [], topics: [] });
      expect(policy.abilityFor(stale).can('pin', post as never)).to.equal(true); // admin: manage Post
      expect(policy.abilityFor(current).can('pin', post as never)).to.equal(false);
    });

        it('does not share abilities between two compiled policies', function () {
      const other = compiled('test/fixtures/policies/decisions', 'decisions/');
      const bob = { id: 'bob', groups: ['GG-Vertrieb'] };
      expect(other.abilityFor(other.principal(bob))).to.not.equal(policy.abilityFor(policy.principal(bob)));
    });
  });
});
