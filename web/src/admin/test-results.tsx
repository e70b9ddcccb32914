// The active set's own test cases (policies/tests/*.yaml): failures first, each with what was
// expected, what the set decided, and the rule that decided.
import { Loc } from './location.js';
import { t } from './strings.js';
import type { PolicyOverview, TestCaseView } from './types.js';

function Row({ c }: { c: TestCaseView }) {
  return (
    <tr class={c.ok ? undefined : 'admin-failed'}>
      <td data-label={t('colResult')}>
        <span class={`admin-verdict ${c.ok ? 'ok' : 'bad'}`}>
          <span aria-hidden="true">{c.ok ? '✓ ' : '✗ '}</span>
          {c.ok ? t('passed') : t('failed')}
        </span>
      </td>
      <td data-label={t('colCase')}>
        {c.name}
        <br />
        <Loc file={c.file} line={c.line} />
      </td>
      <td data-label={t('colExpected')}>{t(c.expected)}</td>
      <td data-label={t('colActual')}>{t(c.actual)}</td>
      <td data-label={t('colRule')}>
        {c.rule ? (
          <>
            <Loc file={c.rule.file} line={c.rule.line} /> {c.rule.summary}
          </>
        ) : (
          <span class="muted">{t('noRule')}</span>
        )}
        {c.reason && c.rule && <div class="muted">{c.reason}</div>}
      </td>
    </tr>
  );
}

export function TestResults({ tests }: { tests: PolicyOverview['tests'] }) {
  return (
    <section aria-labelledby="admin-tests-title">
      <h2 id="admin-tests-title">{t('testsTitle')}</h2>
      <p class={tests.failed > 0 ? 'admin-summary bad' : 'admin-summary'}>{t('testsSummary', { passed: tests.passed, failed: tests.failed })}</p>
      {tests.source === 'folder' && <p class="muted">{t('testsFromFolder')}</p>}
      {tests.problems.length > 0 && (
        <div class="warning">
          <p>{t('testsProblems')}</p>
          <ul>
            {tests.problems.map((p, i) => (
              <li key={i}>
                <Loc file={p.file} line={p.line} /> {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {tests.cases.length === 0 ? (
        <p class="muted">{t('noTests')}</p>
      ) : (
        <div class="admin-table-wrap">
          <table class="admin-table">
            <caption class="visually-hidden">{t('testsTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('colResult')}</th>
                <th scope="col">{t('colCase')}</th>
                <th scope="col">{t('colExpected')}</th>
                <th scope="col">{t('colActual')}</th>
                <th scope="col">{t('colRule')}</th>
              </tr>
            </thead>
            <tbody>
              {tests.cases.map((c) => (
                <Row key={`${c.file}:${c.line}`} c={c} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
