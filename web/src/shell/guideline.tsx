// The first-time screen: the usage guideline of the active policy, to accept before writing
// (the server refuses posts until then). Reading stays possible without accepting.
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { t } from './strings.js';

export interface Guideline {
  readonly version: string;
  readonly title: string;
  readonly text: string;
  readonly accepted: boolean;
}

export function GuidelineScreen({ guideline, onDone }: { guideline: Guideline; onDone: () => void }) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const accept = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api('/api/guideline/acceptance', { method: 'POST', body: { version: guideline.version } });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="guideline">
      <h1>{guideline.title || t('guidelineTitle')}</h1>
      <p>{t('guidelineIntro', { version: guideline.version })}</p>
      <div class="guideline-text" tabIndex={0} aria-label={t('guidelineTitle')}>
        {guideline.text.split(/\n{2,}/).map((paragraph, i) => (
          <p key={i}>{paragraph.replace(/^#+\s*/, '')}</p>
        ))}
      </div>
      {error !== undefined && <ProblemNotice error={error} />}
      <div class="actions">
        <button type="button" class="primary" disabled={busy} onClick={() => void accept()}>
          {t('accept')}
        </button>
        <button type="button" onClick={onDone}>
          {t('later')}
        </button>
      </div>
    </main>
  );
}
