// Placing a legal hold: people, spaces and/or a time range (content is held when it matches
// every criterion named), a reason and a case reference. The limits the server enforces are
// checked here first, so a mistake is explained in the form's own words before anything is sent.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { nameList } from './filters.js';
import { t } from './strings.js';
import type { LegalHold } from './types.js';

const EMPTY = { people: '', spaces: '', from: '', to: '', reason: '', caseReference: '' };
type Draft = typeof EMPTY;
type Errors = Partial<Record<keyof Draft | 'criteria', string>>;

function check(d: Draft): Errors {
  const errors: Errors = {};
  if (!d.people.trim() && !d.spaces.trim() && !d.from && !d.to) errors.criteria = t('holdNeedsCriterion');
  if (d.from && d.to && d.from > d.to) errors.to = t('fromAfterTo');
  const reason = [...d.reason.trim()].length;
  if (reason < 10 || reason > 500) errors.reason = t('reasonLength', { count: reason });
  const caseRef = [...d.caseReference.trim()].length;
  if (caseRef < 1 || caseRef > 100) errors.caseReference = t('caseLength');
  return errors;
}

export function HoldForm({ onPlaced }: { onPlaced: (hold: LegalHold) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  const input = (name: keyof Draft) => ({
    id: `hold-${name}`,
    name,
    value: draft[name],
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `hold-${name}-error` : `hold-${name}-hint`,
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value }),
  });
  const message = (name: keyof Draft, hint?: string) =>
    errors[name] ? (
      <span id={`hold-${name}-error`} class="dpo-error">
        {errors[name]}
      </span>
    ) : hint ? (
      <span id={`hold-${name}-hint`} class="muted dpo-hint">
        {hint}
      </span>
    ) : null;

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = check(draft);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const people = nameList(draft.people);
    const spaces = nameList(draft.spaces);
    setBusy(true);
    setError(undefined);
    try {
      const hold = await api<LegalHold>('/api/holds', {
        method: 'POST',
        body: {
          ...(people.length ? { people } : {}),
          ...(spaces.length ? { spaces } : {}),
          ...(draft.from ? { from: draft.from } : {}),
          ...(draft.to ? { to: draft.to } : {}),
          reason: draft.reason.trim(),
          caseReference: draft.caseReference.trim(),
        },
      });
      setDraft(EMPTY);
      onPlaced(hold);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="hold-form-title">
      <h2 id="hold-form-title">{t('placeHold')}</h2>
      <p class="muted">{t('holdScopeHint')}</p>
      <div class="dpo-grid dpo-pairs">
        <div class="field">
          <label for="hold-people">{t('people')}</label>
          <input {...input('people')} autoComplete="off" placeholder="ada, bernd" />
          {message('people', t('peopleHint'))}
        </div>
        <div class="field">
          <label for="hold-spaces">{t('spaces')}</label>
          <input {...input('spaces')} autoComplete="off" placeholder="project-apollo" />
          {message('spaces', t('spacesHint'))}
        </div>
        <div class="field">
          <label for="hold-from">{t('fromDate')}</label>
          <input {...input('from')} type="date" />
          {message('from', t('dateHint'))}
        </div>
        <div class="field">
          <label for="hold-to">{t('toDate')}</label>
          <input {...input('to')} type="date" />
          {message('to', t('dateHint'))}
        </div>
      </div>
      {errors.criteria && (
        <p class="dpo-error" role="alert">
          {errors.criteria}
        </p>
      )}
      <div class="field">
        <label for="hold-caseReference">{t('caseReference')}</label>
        <input {...input('caseReference')} autoComplete="off" maxLength={100} />
        {message('caseReference', t('caseHint'))}
      </div>
      <div class="field">
        <label for="hold-reason">{t('reason')}</label>
        <textarea {...input('reason')} rows={3} maxLength={500} />
        {message('reason', t('reasonHint'))}
      </div>
      {Object.keys(errors).length > 0 && (
        <p class="visually-hidden" role="alert">
          {t('formHasErrors')}
        </p>
      )}
      {error !== undefined && <ProblemNotice error={error} />}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('placeHold')}
        </button>
      </div>
    </form>
  );
}
