// The policy's answer to an explain question: allowed or denied, by which rule (file and line),
// for whom as the policy sees them (groups, roles), and the reason of a denial.
import { useEffect, useRef } from 'preact/hooks';
import { Loc } from './location.js';
import { t } from './strings.js';
import type { Explanation } from './types.js';

export function ExplainResult({ answer }: { answer: Explanation }) {
  const allowed = answer.decision === 'allow';
  const p = answer.principal;
  const who = p.name ? `${p.name} (${p.id})` : p.id;
  const self = useRef<HTMLElement>(null);
  // On a phone the answer lands below the fold: bring it into view.
  useEffect(() => {
    self.current?.scrollIntoView({ block: 'nearest' });
  }, [answer]);
  return (
    <section ref={self} class={`card admin-answer ${allowed ? 'allowed' : 'denied'}`} aria-labelledby="admin-answer-title">
      <h2 id="admin-answer-title" class="admin-answer-title">
        <span aria-hidden="true">{allowed ? '✓ ' : '✗ '}</span>
        {allowed ? t('verdictAllow') : t('verdictDeny')}
      </h2>
      <p>
        {t('asked', { action: answer.action, subject: answer.subject, who })}
        {!p.known && <span class="muted"> ({t('unknownPerson')})</span>}
      </p>
      <p class="muted">
        {t('principalGroups', { groups: p.groups.join(', ') || t('none') })} · {t('principalRoles', { roles: p.roles.join(', ') || t('none') })}
      </p>
      <dl class="admin-facts">
        <dt>{t('decidedBy')}</dt>
        <dd>
          {answer.rule ? (
            <>
              <Loc file={answer.rule.file} line={answer.rule.line} /> {answer.rule.summary}
            </>
          ) : (
            t('noRule')
          )}
        </dd>
        {answer.reason && (
          <>
            <dt>{t('reason')}</dt>
            <dd>{answer.reason}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
