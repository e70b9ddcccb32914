// The company the microblog benchmark runs on: 1,000 people in directory groups, 100 spaces
// whose read lists name those groups (like file-share ACLs), who follows which spaces, people
// and #topics, and post texts in German and English with @mentions and #topics. Deterministic: a fixed seed gives the
// same policy files, people and texts in every run, so runs can be compared.
import YAML from 'yaml';
import { random } from './random.js';

export const USER_COUNT = 1_000;
export const SPACE_COUNT = 100;
export const GROUP_COUNT = 40;
/** Spaces everyone reads and posts in (role employee); the others belong to directory groups. */
const COMPANY_WIDE = 5;
/** Share of all posts that go to the company-wide spaces. */
const COMPANY_WIDE_SHARE = 0.2;
export const GUIDELINE_VERSION = 'bench-1';

export interface Space {
  readonly id: string;
  readonly classification: 'internal' | 'confidential' | 'secret';
  /** Empty for company-wide spaces (read and posted by everyone). */
  readonly readGroups: readonly string[];
  /** Directory groups that may post (a subset of readGroups); empty for company-wide spaces. */
  readonly postGroups: readonly string[];
  readonly everyone: boolean;
}

export interface Person {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly groups: readonly string[];
  /** Spaces this person may read and may post in, by the read and post lists. */
  readonly reads: readonly string[];
  readonly posts: readonly string[];
  /** Spaces followed, and the muted ones among them. */
  readonly follows: readonly string[];
  readonly muted: readonly string[];
  /** People (ids) and #topics followed. */
  readonly followsPeople: readonly string[];
  readonly followsTopics: readonly string[];
}

export interface World {
  readonly files: Record<string, string>;
  readonly spaces: readonly Space[];
  readonly people: readonly Person[];
  /** Relative share of posts per space (sums to 1), in the order of `spaces`. */
  readonly postShare: readonly number[];
  /** For each space, the people who may post in it. */
  readonly posters: ReadonlyMap<string, readonly Person[]>;
}


const groupName = (n: number) => `GG-Team-${String(n).padStart(2, '0')}`;
const spaceId = (n: number) => (n < COMPANY_WIDE ? ['all-company', 'it-news', 'kantine', 'events', 'fragen'][n]! : `team-${String(n).padStart(3, '0')}`);
export const userId = (n: number) => `user-${String(n).padStart(4, '0')}`;

const FIRST_NAMES = ['Anna', 'Ben', 'Clara', 'David', 'Elif', 'Finn', 'Greta', 'Hannes', 'Ilse', 'Jonas', 'Kira', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sven', 'Tara', 'Uwe', 'Vera', 'Willi', 'Yasmin', 'Zoe'];
const LAST_NAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Braun', 'Zimmermann', 'Krüger'];

const RULES = `
rules:
  - role: employee
    allow: [update, delete, readHistory]
    subject: Post
    when: { authorId: $user.id }
  - role: employee
    allow: [update, delete]
    subject: Comment
    when: { authorId: $user.id }
  - role: employee
    allow: [read, follow]
    subject: User
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

const GUIDELINE = `# Nutzungsrichtlinie (Benchmark)

Flurfunk dient dem fachlichen Austausch. Vertrauliches gehört nur in vertrauliche Spaces.
`;

export function world(seed = 20261129): World {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const groups = Array.from({ length: GROUP_COUNT }, (_, i) => groupName(i));

  const spaces: Space[] = [];
  for (let n = 0; n < SPACE_COUNT; n++) {
    if (n < COMPANY_WIDE) {
      spaces.push({ id: spaceId(n), classification: 'internal', readGroups: [], postGroups: [], everyone: true });
      continue;
    }
    const r = next();
    const classification = r < 0.12 ? 'confidential' : r < 0.18 ? 'secret' : 'internal';
    const read = new Set<string>();
    const size = 1 + Math.floor(next() * 3); // 1 to 3 groups, like a share's ACL
    while (read.size < size) read.add(pick(groups));
    const readGroups = [...read].sort();
    spaces.push({ id: spaceId(n), classification, readGroups, postGroups: [readGroups[0]!], everyone: false });
  }

  const people: Person[] = [];
  for (let n = 0; n < USER_COUNT; n++) {
    const own = new Set<string>();
    const size = 2 + Math.floor(next() * 5); // 2 to 6 groups
    while (own.size < size) own.add(pick(groups));
    const inAny = (list: readonly string[]) => list.some((g) => own.has(g));
    const reads = spaces.filter((s) => s.everyone || inAny(s.readGroups)).map((s) => s.id);
    const posts = spaces.filter((s) => s.everyone || inAny(s.postGroups)).map((s) => s.id);
    // Most people follow some company-wide spaces and a few of their team spaces; some mute one.
    const follows = reads.filter((id, i) => (i < COMPANY_WIDE ? next() < 0.6 : next() < 0.5));
    const muted = follows.filter(() => next() < 0.05);
    // A few colleagues (0 to 5) and #topics (0 to 2) too.
    const followsPeople = [...new Set(Array.from({ length: Math.floor(next() * 6) }, () => userId(Math.floor(next() * USER_COUNT))))].filter((id) => id !== userId(n));
    const followsTopics = [...new Set(Array.from({ length: Math.floor(next() * 3) }, () => VOCABULARY[Math.floor(next() * 60)]!.toLowerCase()))];
    const first = FIRST_NAMES[n % FIRST_NAMES.length]!;
    const last = LAST_NAMES[Math.floor(n / FIRST_NAMES.length) % LAST_NAMES.length]!;
    people.push({ id: userId(n), name: `${first} ${last}`, email: `${userId(n)}@example.com`, groups: [...own].sort(), reads, posts, follows, muted, followsPeople, followsTopics });
  }

  // Busier spaces get more posts: a mild Zipf law over the team spaces.
  const teamWeights = spaces.slice(COMPANY_WIDE).map((_, i) => 1 / (1 + i) ** 0.7);
  const teamTotal = teamWeights.reduce((a, b) => a + b, 0);
  const postShare = spaces.map((_, i) => (i < COMPANY_WIDE ? COMPANY_WIDE_SHARE / COMPANY_WIDE : ((1 - COMPANY_WIDE_SHARE) * teamWeights[i - COMPANY_WIDE]!) / teamTotal));
  const posters = new Map(spaces.map((s) => [s.id, people.filter((p) => p.posts.includes(s.id))]));
  for (const [id, list] of posters) if (list.length === 0) throw new Error(`bench world: nobody may post in ${id}`);

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
        const post = s.everyone ? { roles: ['employee'] } : { groups: s.postGroups };
        return [s.id, { title: `Space ${s.id}`, classification: s.classification, read, post }];
      }),
    ),
  };
  const files = {
    'directory.yaml': YAML.stringify(directory),
    'spaces.yaml': YAML.stringify(spaceFile),
    'rules.yaml': RULES,
    'guideline.yaml': YAML.stringify({ guideline: { version: GUIDELINE_VERSION, title: 'Nutzungsrichtlinie', file: 'usage-guideline.md' } }),
    'usage-guideline.md': GUIDELINE,
  };
  return { files, spaces, people, postShare, posters };
}

// ---------------------------------------------------------------------------------------------
// Post texts: sentences from a German and English office vocabulary whose words follow a Zipf
// law (a few words are in many posts, most in few), so searches range from common to rare.

/** Ordered from most to least frequent. */
export const VOCABULARY = (
  'Projekt Meeting update Termin release Kunde Team heute morgen Feedback Server Dokumentation deployment Budget Planung ' +
  'Besprechung customer Angebot Rechnung Vertrag backlog sprint Präsentation roadmap Workshop Schulung Urlaub Kantine Mittagessen ' +
  'Wartung outage Netzwerk Drucker Laptop Zugang password Sicherheit Datenschutz Richtlinie Prozess Freigabe approval Entwurf draft ' +
  'Bericht report Quartal quarter Umsatz revenue Ziel target Zeitplan schedule Risiko risk Lieferant supplier Bestellung order ' +
  'Lager warehouse Versand shipping Messe conference Reise travel Hotel Flug Bahn Parkplatz Umzug office Büro Raum room ' +
  'Kalender calendar Einladung invitation Protokoll minutes Agenda Entscheidung decision Frage question Antwort answer Hilfe help ' +
  'Fehler bug Ticket issue Lösung solution Test testing Migration Datenbank database Backup Speicher storage Cloud Lizenz license ' +
  'Vertrieb sales Marketing Kampagne campaign Newsletter Webseite website Kundenservice support Anfrage request Beschwerde complaint ' +
  'Qualität quality Audit Zertifizierung certification Schulungsplan onboarding Einarbeitung mentoring Bewerbung interview ' +
  'Jubiläum anniversary Geburtstag birthday Feier party Sommerfest Weihnachtsfeier Betriebsausflug Sportgruppe Laufgruppe ' +
  'Fahrrad bicycle Elektroauto Ladestation Kaffeemaschine Espresso Wasserspender Klimaanlage heating Heizung Fenster window ' +
  'Prototyp prototype Schnittstelle interface Architektur architecture Refactoring Performance Latenz latency Durchsatz throughput ' +
  'Kubernetes Docker Terraform Grafana Prometheus Postgres Replikation replication Failover Zertifikat certificate Firewall ' +
  'Ausschreibung tender Förderantrag grant Patent Lizenzvertrag Rahmenvertrag Nachtrag amendment Stückliste Fertigung manufacturing ' +
  'Inventur Jahresabschluss Steuerprüfung Reisekosten Spesen expenses Gehaltsabrechnung payroll Zeiterfassung timesheet ' +
  'Brandschutzübung Ersthelfer Evakuierung Notausgang Hausmeister Schlüssel Ausweis badge Besucher visitor Empfang reception ' +
  'Gletscher Vulkan Leuchtturm Zeppelin Mondfinsternis Polarlicht Kaleidoskop Flaschenpost Murmeltier Quokka'
).split(' ');

const FILLERS = ['und', 'mit', 'für', 'der', 'die', 'das', 'im', 'am', 'zum', 'the', 'and', 'for', 'with', 'on', 'in', 'to', 'is', 'ist', 'wird', 'bitte', 'please', 'neue', 'new', 'nächste', 'next'];

export class TextMaker {
  private readonly next: () => number;
  private readonly cumulative: number[];

  constructor(
    seed: number,
    private readonly people: readonly Person[],
  ) {
    this.next = random(seed);
    let sum = 0;
    this.cumulative = VOCABULARY.map((_, i) => (sum += 1 / (i + 1) ** 1.05));
    for (let i = 0; i < this.cumulative.length; i++) this.cumulative[i]! /= sum;
  }

  private word(): string {
    const r = this.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return VOCABULARY[lo]!;
  }

  private sentence(): string {
    const length = 5 + Math.floor(this.next() * 12);
    const words: string[] = [];
    for (let i = 0; i < length; i++) words.push(this.next() < 0.35 ? FILLERS[Math.floor(this.next() * FILLERS.length)]! : this.word());
    const first = words[0]!;
    words[0] = first[0]!.toUpperCase() + first.slice(1);
    return `${words.join(' ')}${this.next() < 0.15 ? '?' : '.'}`;
  }

  /** A post: one to four sentences (about 60 to 500 characters), sometimes with @mentions, #topics, emphasis or a link. */
  post(): string {
    const sentences = Array.from({ length: 1 + Math.floor(this.next() * 4) }, () => this.sentence());
    const r = this.next();
    if (r < 0.08) sentences.push(`@${this.people[Math.floor(this.next() * this.people.length)]!.id} was meinst du?`);
    if (r > 0.8) sentences.push(`#${this.word().toLowerCase()}`);
    if (this.next() < 0.05) sentences.push(`Siehe **${this.word()}** im Wiki: https://wiki.example.com/${this.word().toLowerCase()}`);
    return sentences.join(this.next() < 0.2 ? '\n' : ' ');
  }

  /** Picks an index by the given shares (which sum to 1). */
  weighted(shares: readonly number[]): number {
    let r = this.next();
    for (let i = 0; i < shares.length; i++) {
      r -= shares[i]!;
      if (r <= 0) return i;
    }
    return shares.length - 1;
  }

  uniform(n: number): number {
    return Math.floor(this.next() * n);
  }
}
