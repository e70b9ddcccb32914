// The organisation the policy benchmark runs on: 240 directory groups, 200 spaces, a person in 50
// groups, and the spaces that person may read worked out by hand (not by the engine), for the
// hand-written baseline query. Deterministic: the same seed gives the same files every run.
import YAML from 'yaml';
import { random } from './random.js';

export const SPACE_COUNT = 200;
export const GROUP_COUNT = 240;
export const USER_GROUP_COUNT = 50;
/** Spaces everyone reads (through the role "employee"); the rest are read by directory groups. */
const COMPANY_WIDE = 4;

export interface BenchSpace {
  readonly id: string;
  readonly classification: 'internal' | 'confidential' | 'secret';
  readonly readGroups: readonly string[];
  readonly everyone: boolean;
}

export interface Organisation {
  readonly files: Record<string, string>;
  readonly spaces: readonly BenchSpace[];
  readonly user: { readonly id: string; readonly groups: readonly string[] };
  /** The spaces the user may read, from the read lists alone, sorted. */
  readonly readableByHand: readonly string[];
  /** Confidential or secret spaces outside the user's reach (the engine's guard closes them). */
  readonly closedByHand: readonly string[];
}


const group = (n: number) => `GG-Team-${String(n).padStart(3, '0')}`;
const spaceId = (n: number) => `space-${String(n).padStart(3, '0')}`;

/** Post rules as an organisation would write them; none of them adds a condition to "read". */
const RULES = `
rules:
  - role: employee
    allow: [update, delete, readHistory]
    subject: Post
    when: { authorId: $user.id }
  - role: dpo
    allow: export
    subject: Post
  - role: employee
    deny: export
    subject: Post
    when: { classification: { oneOf: [confidential, secret] } }
    because: Confidential posts never leave Flurfunk
  - role: admin
    allow: [delete, pin]
    subject: Post
`;

export function organisation(seed = 20261128): Organisation {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const groups = Array.from({ length: GROUP_COUNT }, (_, i) => group(i));

  const spaces: BenchSpace[] = [];
  for (let n = 0; n < SPACE_COUNT; n++) {
    if (n < COMPANY_WIDE) {
      spaces.push({ id: spaceId(n), classification: 'internal', readGroups: [], everyone: true });
      continue;
    }
    const r = next();
    const classification = r < 0.12 ? 'confidential' : r < 0.18 ? 'secret' : 'internal';
    const readGroups = new Set<string>();
    const size = 1 + Math.floor(next() * 3); // 1 to 3 groups, like a share's ACL
    while (readGroups.size < size) readGroups.add(pick(groups));
    spaces.push({ id: spaceId(n), classification, readGroups: [...readGroups].sort(), everyone: false });
  }

  const userGroups = new Set<string>();
  while (userGroups.size < USER_GROUP_COUNT) userGroups.add(pick(groups));
  const user = { id: 'user-0042', groups: [...userGroups].sort() };

  const reads = (s: BenchSpace) => s.everyone || s.readGroups.some((g) => userGroups.has(g));
  const readableByHand = spaces.filter(reads).map((s) => s.id);
  const closedByHand = spaces.filter((s) => !reads(s) && s.classification !== 'internal').map((s) => s.id);

  const directory = {
    groups: { known: [...groups, 'GG-Datenschutz', 'GG-IT-Admins'] },
    roles: {
      employee: { description: 'Every signed-in person', members: 'everyone' },
      dpo: { members: { groups: ['GG-Datenschutz'] } },
      admin: { members: { groups: ['GG-IT-Admins'] } },
    },
  };
  const spaceFile = {
    spaces: Object.fromEntries(
      spaces.map((s) => {
        const read = s.everyone ? { roles: ['employee'] } : { groups: s.readGroups };
        // The first group of a team space may post; IT admins moderate (they must be able to read).
        const post = s.everyone ? { roles: ['employee'] } : { groups: s.readGroups.slice(0, 1) };
        return [s.id, { title: `Space ${s.id}`, classification: s.classification, read, post }];
      }),
    ),
  };
  const files = { 'directory.yaml': YAML.stringify(directory), 'spaces.yaml': YAML.stringify(spaceFile), 'rules.yaml': RULES };
  return { files, spaces, user, readableByHand, closedByHand };
}
