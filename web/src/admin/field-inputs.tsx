// The subject's fields in the explain form: the space as a choice of the policy's spaces (which
// also fills in its classification), the classification as a choice, anything else as text.
import { classificationLabel, t } from './strings.js';
import type { PolicyOverview, SubjectWords } from './types.js';

export type FieldValues = Readonly<Record<string, string>>;

const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'secret'];

export function FieldInputs(props: { subject: SubjectWords; spaces: PolicyOverview['vocabulary']['spaces']; values: FieldValues; onChange: (values: FieldValues) => void }) {
  const { subject, spaces, values, onChange } = props;
  if (subject.fields.length === 0) return null;
  const hasClassification = subject.fields.some((f) => f.name === 'classification');
  const set = (name: string, value: string) => {
    const next: Record<string, string> = { ...values, [name]: value };
    const space = name === 'spaceId' ? spaces.find((s) => s.id === value) : undefined;
    if (space && hasClassification) next.classification = space.classification;
    onChange(next);
  };
  return (
    <fieldset class="admin-fields">
      <legend>{t('fieldsTitle')}</legend>
      <div class="admin-row">
        {subject.fields.map((f) => {
          const id = `explain-field-${f.name}`;
          const value = values[f.name] ?? '';
          return (
            <div class="field" key={f.name}>
              <label for={id}>{f.name}</label>
              {f.name === 'spaceId' ? (
                <select id={id} value={value} onChange={(e) => set(f.name, e.currentTarget.value)}>
                  <option value="">{t('anySpace')}</option>
                  {spaces.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.title} ({s.id})
                    </option>
                  ))}
                </select>
              ) : f.name === 'classification' ? (
                <select id={id} value={value} onChange={(e) => set(f.name, e.currentTarget.value)}>
                  <option value="">–</option>
                  {CLASSIFICATIONS.map((c) => (
                    <option key={c} value={c}>
                      {classificationLabel(c)}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} value={value} onInput={(e) => set(f.name, e.currentTarget.value)} aria-describedby={f.kind === 'list' ? `${id}-hint` : undefined} />
              )}
              {f.kind === 'list' && (
                <small id={`${id}-hint`} class="muted">
                  {t('listHint')}
                </small>
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}
