// A retention report as tables: the totals, what each rule would erase (and what holds keep),
// and the streams item by item. The same shape answers a dry run and a real run.
import { formatDateTime } from '../i18n.js';
import { t } from './strings.js';
import type { RetentionReport, RetentionRule } from './types.js';

export function ruleText(rule: RetentionRule): string {
  const where = [rule.space, rule.classification].filter(Boolean).join(', ');
  return `${rule.subject}${where ? ` (${where})` : ''}: ${rule.keep}`;
}

export function RetentionReportView({ report }: { report: RetentionReport }) {
  return (
    <div class="dpo-report">
      <p>{t('reportAsOf', { when: formatDateTime(report.asOf) })}</p>
      <ul class="dpo-totals">
        <li>
          <strong>{report.expired}</strong> {t('totalExpired')}
        </li>
        <li>
          <strong>{report.shredded}</strong> {report.dryRun ? t('totalWouldShred') : t('totalShredded')}
        </li>
        <li>
          <strong>{report.held}</strong> {t('totalHeld')}
        </li>
        <li>
          <strong>{report.renewed}</strong> {t('totalRenewed')}
        </li>
      </ul>
      {report.perRule.length === 0 ? (
        <p class="muted">{t('nothingDue')}</p>
      ) : (
        <>
          <h3>{t('perRule')}</h3>
          <div class="dpo-table-wrap">
            <table class="dpo-table">
              <caption class="visually-hidden">{t('perRule')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('rule')}</th>
                  <th scope="col">{t('expired')}</th>
                  <th scope="col">{t('heldCol')}</th>
                  <th scope="col">{t('oldest')}</th>
                  <th scope="col">{t('newest')}</th>
                </tr>
              </thead>
              <tbody>
                {report.perRule.map((r) => (
                  <tr key={r.rule.at}>
                    <td data-label={t('rule')}>
                      {ruleText(r.rule)} <span class="muted">{r.rule.at}</span>
                    </td>
                    <td data-label={t('expired')}>{r.expired}</td>
                    <td data-label={t('heldCol')}>{r.held}</td>
                    <td data-label={t('oldest')}>{formatDateTime(r.oldest)}</td>
                    <td data-label={t('newest')}>{formatDateTime(r.newest)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>{t('reportItems')}</h3>
          <div class="dpo-table-wrap">
            <table class="dpo-table">
              <caption class="visually-hidden">{t('reportItems')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('stream')}</th>
                  <th scope="col">{t('rule')}</th>
                  <th scope="col">{t('lastContent')}</th>
                  <th scope="col">{t('outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {report.items.map((item) => (
                  <tr key={item.streamId}>
                    <td data-label={t('stream')} class="dpo-break">
                      {item.streamId}
                    </td>
                    <td data-label={t('rule')}>{ruleText(item.rule)}</td>
                    <td data-label={t('lastContent')}>{formatDateTime(item.lastContentAt)}</td>
                    <td data-label={t('outcome')}>{item.heldBy && item.heldBy.length > 0 ? t(item.heldBy.length === 1 ? 'keptByHoldOne' : 'keptByHold', { count: item.heldBy.length }) : report.dryRun ? t('wouldShred') : t('shreddedItem')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.itemsTruncated && <p class="muted">{t('itemsTruncated', { count: report.items.length })}</p>}
        </>
      )}
    </div>
  );
}
