// "Why may — or may not — this person do that?": the admin asks the active policy and gets the
// decision with the deciding rule, its file and line, and the reason. The words (subjects,
// actions, fields, roles, spaces, people) come from the server's vocabulary of the active set.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { ExplainResult } from './explain-result.js';
import { FieldInputs, type FieldValues } from './field-inputs.js';
import { t } from './strings.js';
import type { Explanation, ExplainQuestion, PolicyOverview } from './types.js';

type Vocabulary = PolicyOverview['vocabulary'];

const splitList = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);

function questionOf(vocabulary: Vocabulary, form: { person: string; groups: string; roles: readonly string[]; subject: string; action: string; fields: FieldValues }): ExplainQuestion | undefined {
  const person = form.person.trim();
  const groups = form.groups.split('\n').map((g) => g.trim()).filter(Boolean);
  if (person === '' && groups.length === 0 && form.roles.length === 0) return undefined;
  const kinds = vocabulary.subjects.find((s) => s.name === form.subject)?.fields ?? [];
  const fields: Record<string, string | string[]> = {};
  for (const f of kinds) {
    const value = (form.fields[f.name] ?? '').trim();
    if (value !== '') fields[f.name] = f.kind === 'list' ? splitList(value) : value;
  }
  return {
    ...(person === '' ? {} : { person }),
    ...(groups.length === 0 ? {} : { groups }),
    ...(form.roles.length === 0 ? {} : { roles: form.roles }),
    action: form.action,
    subject: form.subject,
    fields,
  };
}

function ExplainForm({ vocabulary }: { vocabulary: Vocabulary }) {
  const first = vocabulary.subjects.find((s) => s.name === 'Post') ?? vocabulary.subjects[0]!;
  const [person, setPerson] = useState('');
  const [groups, setGroups] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [subject, setSubject] = useState(first.name);
  const [action, setAction] = useState(first.actions[0] ?? '');
  const [fields, setFields] = useState<FieldValues>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [missingWho, setMissingWho] = useState(false);
  const [answer, setAnswer] = useState<Explanation | undefined>(undefined);
  const words = vocabulary.subjects.find((s) => s.name === subject) ?? first;

  const chooseSubject = (name: string) => {
    const next = vocabulary.subjects.find((s) => s.name === name) ?? first;
    setSubject(next.name);
    setAction(next.actions[0] ?? '');
    setFields({});
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const question = questionOf(vocabulary, { person, groups, roles, subject, action, fields });
    setMissingWho(question === undefined);
    setError(undefined);
    if (!question) return;
    setBusy(true);
    try {
      setAnswer(await api<Explanation>('/api/admin/policy/explain', { method: 'POST', body: question }));
    } catch (err) {
      setAnswer(undefined);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form class="card admin-explain" onSubmit={(e) => void submit(e)} noValidate>
        <div class="admin-columns">
          <fieldset>
            <legend>{t('who')}</legend>
            <div class="field">
              <label for="explain-person">{t('person')}</label>
              <input id="explain-person" list="explain-people" autocomplete="off" value={person} onInput={(e) => setPerson(e.currentTarget.value)} aria-describedby="explain-person-hint" />
              <datalist id="explain-people">
                {vocabulary.people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name ?? p.id}
                  </option>
                ))}
              </datalist>
              <small id="explain-person-hint" class="muted">
                {t('personHint')}
              </small>
            </div>
            <div class="field">
              <label for="explain-groups">{t('groups')}</label>
              <textarea id="explain-groups" rows={2} value={groups} onInput={(e) => setGroups(e.currentTarget.value)} aria-describedby="explain-groups-hint" />
              <small id="explain-groups-hint" class="muted">
                {t('groupsHint')}
              </small>
            </div>
            <fieldset class="admin-roles">
              <legend>{t('roles')}</legend>
              {vocabulary.roles.map((r) => (
                <label key={r.name} class="admin-check">
                  <input type="checkbox" checked={roles.includes(r.name)} onChange={(e) => setRoles(e.currentTarget.checked ? [...roles, r.name] : roles.filter((x) => x !== r.name))} />
                  {r.name}
                  {r.description && <span class="muted"> – {r.description}</span>}
                </label>
              ))}
            </fieldset>
          </fieldset>
          <fieldset>
            <legend>{t('what')}</legend>
            <div class="admin-row">
              <div class="field">
                <label for="explain-subject">{t('subject')}</label>
                <select id="explain-subject" value={subject} onChange={(e) => chooseSubject(e.currentTarget.value)}>
                  {vocabulary.subjects.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="explain-action">{t('action')}</label>
                <select id="explain-action" value={action} onChange={(e) => setAction(e.currentTarget.value)}>
                  {words.actions.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <p class="muted">{words.description}</p>
            <FieldInputs subject={words} spaces={vocabulary.spaces} values={fields} onChange={setFields} />
          </fieldset>
        </div>
        {missingWho && (
          <p class="problem" role="alert">
            {t('needWho')}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('asking') : t('ask')}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {error !== undefined && <ProblemNotice error={error} />}
        {answer && <ExplainResult answer={answer} />}
      </div>
    </>
  );
}

export function ExplainPage() {
  const overview = useLoad((signal) => api<PolicyOverview>('/api/admin/policy', { signal }), []);
  return (
    <section aria-labelledby="admin-explain-title">
      <h1 id="admin-explain-title">{t('explainTitle')}</h1>
      <p>{t('explainIntro')}</p>
      {overview.error !== undefined && <ProblemNotice error={overview.error} />}
      {!overview.data && overview.loading && <Loading />}
      {overview.data && <ExplainForm vocabulary={overview.data.vocabulary} />}
    </section>
  );
}
