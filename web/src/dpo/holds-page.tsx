// Legal holds: place one, see all (active first in the server's order, newest first), and
// lift one after confirming with a reason — lifting lets retention erase what only this hold
// kept, so it is never a single click.
import { useState } from 'preact/hooks';
import { api, type Page } from '../api.js';
import { formatDateTime, formatUtcDate } from '../i18n.js';
import { Loading } from '../ui/loading.js';
import { ProblemNotice } from '../ui/problem-notice.js';
import { useLoad } from '../ui/use-load.js';
import { HoldForm } from './hold-form.js';
import { Modal } from './modal.js';
import { t } from './strings.js';
import type { LegalHold } from './types.js';

function LiftDialog({ hold, onDone, onClose }: { hold: LegalHold; onDone: (hold: LegalHold) => void; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const length = [...reason.trim()].length;
    setInvalid(length < 10 || length > 500);
    if (length < 10 || length > 500) return;
    setBusy(true);
    setError(undefined);
    try {
      onDone(await api<LegalHold>(`/api/holds/${encodeURIComponent(hold.id)}/lift`, { method: 'POST', body: { reason: reason.trim() } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={t('liftTitle', { case: hold.caseReference ?? hold.id })} onClose={onClose}>
      <p class="warning">{t('liftWarning')}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for="lift-reason">{t('liftReason')}</label>
          <textarea id="lift-reason" rows={3} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} aria-invalid={invalid} aria-describedby="lift-reason-note" />
          <span id="lift-reason-note" class={invalid ? 'dpo-error' : 'muted dpo-hint'}>
            {invalid ? t('reasonLength', { count: [...reason.trim()].length }) : t('reasonHint')}
          </span>
        </div>
        {error !== undefined && <ProblemNotice error={error} />}
        <div class="actions">
          <button type="submit" class="danger" disabled={busy}>
            {t('confirmLift')}
          </button>
          <button type="button" onClick={onClose}>
            {t('cancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function scope(hold: LegalHold): string {
  const parts: string[] = [];
  if (hold.people) parts.push(t('scopePeople', { list: hold.people.join(', ') }));
  if (hold.spaces) parts.push(t('scopeSpaces', { list: hold.spaces.join(', ') }));
  if (hold.from || hold.to) parts.push(t('scopeTime', { from: hold.from ? formatUtcDate(hold.from) : '…', to: hold.to ? formatUtcDate(hold.to) : '…' }));
  return parts.join(' · ');
}

function HoldCard({ hold, onLift }: { hold: LegalHold; onLift: () => void }) {
  const active = hold.state === 'active';
  return (
    <li class={`card dpo-hold ${active ? 'is-active' : 'is-lifted'}`}>
      <div class="dpo-hold-head">
        <h3>{hold.caseReference ?? t('sealedGone')}</h3>
        <span class={`dpo-state ${active ? 'active' : 'lifted'}`}>{active ? t('holdActive') : t('holdLifted')}</span>
      </div>
      <p>{scope(hold)}</p>
      {hold.peopleNotYetKnown.length > 0 && <p class="warning">{t('notYetKnown', { list: hold.peopleNotYetKnown.join(', ') })}</p>}
      <dl class="dpo-facts">
        <div class="dpo-fact">
          <dt>{t('reason')}</dt>
          <dd>{hold.reason ?? t('sealedGone')}</dd>
        </div>
        <div class="dpo-fact">
          <dt>{t('placed')}</dt>
          <dd>{t('byAt', { who: hold.placedBy, when: formatDateTime(hold.placedAt) })}</dd>
        </div>
        {hold.liftedAt && (
          <div class="dpo-fact">
            <dt>{t('lifted')}</dt>
            <dd>
              {t('byAt', { who: hold.liftedBy ?? '?', when: formatDateTime(hold.liftedAt) })}
              {hold.liftReason && ` – ${hold.liftReason}`}
            </dd>
          </div>
        )}
      </dl>
      {active && (
        <div class="actions">
          <button type="button" class="danger" onClick={onLift} aria-label={t('liftHoldNamed', { case: hold.caseReference ?? hold.id })}>
            {t('liftHold')}
          </button>
        </div>
      )}
    </li>
  );
}

export function HoldsPage() {
  const holds = useLoad((signal) => api<Page<LegalHold>>('/api/holds', { query: { limit: 100 }, signal }), []);
  const [lifting, setLifting] = useState<LegalHold | undefined>(undefined);
  const [notice, setNotice] = useState<{ text: string; unknown?: readonly string[] } | undefined>(undefined);
  const replace = (hold: LegalHold) => holds.set((data) => data && { ...data, items: data.items.some((h) => h.id === hold.id) ? data.items.map((h) => (h.id === hold.id ? hold : h)) : [hold, ...data.items] });

  if (holds.error !== undefined) {
    return (
      <>
        <h1>{t('holdsTitle')}</h1>
        <ProblemNotice error={holds.error} onRetry={() => holds.reload()} />
      </>
    );
  }
  return (
    <>
      <h1>{t('holdsTitle')}</h1>
      <p class="muted">{t('holdsIntro')}</p>
      <div role="status" aria-live="polite">
        {notice && (
          <p class="card dpo-ok">
            {notice.text}
            {notice.unknown && notice.unknown.length > 0 && <span class="dpo-block">{t('notYetKnown', { list: notice.unknown.join(', ') })}</span>}
          </p>
        )}
      </div>
      <section aria-labelledby="holds-list">
        <h2 id="holds-list">{t('holdsList')}</h2>
        {!holds.data ? (
          <Loading />
        ) : holds.data.items.length === 0 ? (
          <p class="muted">{t('noHolds')}</p>
        ) : (
          <ul class="dpo-holds">
            {holds.data.items.map((hold) => (
              <HoldCard key={hold.id} hold={hold} onLift={() => setLifting(hold)} />
            ))}
          </ul>
        )}
      </section>
      <HoldForm
        onPlaced={(hold) => {
          replace(hold);
          setNotice({ text: t('holdPlaced', { case: hold.caseReference ?? '' }), unknown: hold.peopleNotYetKnown });
        }}
      />
      {lifting && (
        <LiftDialog
          hold={lifting}
          onClose={() => setLifting(undefined)}
          onDone={(hold) => {
            replace(hold);
            setLifting(undefined);
            setNotice({ text: t('holdLiftedNotice', { case: hold.caseReference ?? '' }) });
          }}
        />
      )}
    </>
  );
}
