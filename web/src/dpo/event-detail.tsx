// Everything the audit trail holds about one event in the clear — its place in the chain
// (position, stream version, hash), who and under which policy version, the request that
// caused it (correlation id) and its clear data — with the catalogue's plain description.
import type { ComponentChildren } from 'preact';
import { formatDateTime } from '../i18n.js';
import { searchHref } from './filters.js';
import { Modal } from './modal.js';
import { t } from './strings.js';
import type { AuditEvent, CatalogueEntry } from './types.js';

function Row({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="dpo-fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export function EventDetail({ event, entry, onClose }: { event: AuditEvent; entry: CatalogueEntry | undefined; onClose: () => void }) {
  const none = <span class="muted">{t('none')}</span>;
  return (
    <Modal title={t('eventTitle', { type: event.type, position: event.position })} onClose={onClose} wide>
      {entry && <p class="muted">{entry.description}</p>}
      <dl class="dpo-facts">
        <Row label={t('position')}>{event.position}</Row>
        <Row label={t('eventId')}>
          <code>{event.id}</code>
        </Row>
        <Row label={t('type')}>{event.type}</Row>
        <Row label={t('occurredAt')}>
          <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time> <span class="muted">({event.occurredAt})</span>
        </Row>
        <Row label={t('actor')}>{event.actor}</Row>
        <Row label={t('stream')}>
          <a href={searchHref({ stream: event.streamId })}>{event.streamId}</a> <span class="muted">{t('streamVersion', { version: event.streamVersion })}</span>
        </Row>
        <Row label={t('space')}>{event.spaceId ?? none}</Row>
        <Row label={t('policyVersion')}>{event.policyVersion ? <code class="dpo-hash">{event.policyVersion}</code> : none}</Row>
        <Row label={t('correlationId')}>{event.correlationId ? <code>{event.correlationId}</code> : none}</Row>
        <Row label={t('hash')}>
          <code class="dpo-hash">{event.hash}</code>
        </Row>
        <Row label={t('personalContent')}>{event.hasPersonalContent ? t('sealedYes', { what: entry?.sealed ?? t('content') }) : t('sealedNo')}</Row>
      </dl>
      <h3>{t('data')}</h3>
      <pre class="dpo-data" tabIndex={0} aria-label={t('data')}>
        {JSON.stringify(event.data, null, 2)}
      </pre>
    </Modal>
  );
}
