// The shapes of the admin API's answers (src/http/openapi-admin.ts documents them).
export type Verdict = 'allow' | 'deny';

export interface Located {
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
  readonly message: string;
  readonly text: string;
}

export interface RuleView {
  readonly summary: string;
  readonly file: string | null;
  readonly line: number | null;
}

export interface TestCaseView {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly expected: Verdict;
  readonly actual: Verdict;
  readonly ok: boolean;
  readonly rule: RuleView | null;
  readonly reason: string | null;
  readonly detail: string;
}

export interface SubjectWords {
  readonly name: string;
  readonly description: string;
  readonly actions: readonly string[];
  readonly fields: readonly { readonly name: string; readonly kind: 'text' | 'list' }[];
}

export interface PolicyOverview {
  readonly version: string;
  readonly activatedAt: string;
  readonly files: readonly string[];
  readonly lastRejected: { readonly at: string; readonly version: string | null; readonly problems: readonly Located[] } | null;
  readonly tests: { readonly source: 'activation' | 'folder'; readonly passed: number; readonly failed: number; readonly problems: readonly Located[]; readonly cases: readonly TestCaseView[] };
  readonly vocabulary: {
    readonly subjects: readonly SubjectWords[];
    readonly roles: readonly { readonly name: string; readonly description: string | null }[];
    readonly spaces: readonly { readonly id: string; readonly title: string; readonly classification: string }[];
    readonly people: readonly { readonly id: string; readonly name: string | null }[];
  };
}

export interface ExplainQuestion {
  readonly person?: string;
  readonly groups?: readonly string[];
  readonly roles?: readonly string[];
  readonly action: string;
  readonly subject: string;
  readonly fields?: Readonly<Record<string, string | readonly string[]>>;
}

export interface Explanation {
  readonly version: string;
  readonly principal: { readonly id: string; readonly name: string | null; readonly known: boolean; readonly groups: readonly string[]; readonly roles: readonly string[] };
  readonly action: string;
  readonly subject: string;
  readonly decision: Verdict;
  readonly rule: RuleView | null;
  readonly reason: string | null;
  readonly text: string;
}

export interface AccessView {
  readonly roles: readonly string[];
  readonly groups: readonly string[];
  readonly file: string;
  readonly line: number;
}

export interface SpaceOverview {
  readonly id: string;
  readonly title: string;
  readonly description: string | null;
  readonly classification: string;
  readonly file: string;
  readonly line: number;
  readonly read: AccessView;
  readonly post: AccessView | null;
  readonly moderate: AccessView | null;
  readonly audience: { readonly count: number; readonly notReaching: number; readonly readers: readonly { readonly id: string; readonly name: string | null; readonly via: string }[] };
}

export interface SpacesOverview {
  readonly version: string;
  readonly knownPeople: number;
  readonly items: readonly SpaceOverview[];
}
