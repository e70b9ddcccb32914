// Words shared by every capability's pages: errors, loading, paging.
import { strings } from '../i18n.js';

export const t = strings({
  de: {
    loading: 'Wird geladen …',
    more: 'Mehr laden',
    retry: 'Erneut versuchen',
    notFound: 'Nicht gefunden – oder nicht für dich sichtbar.',
    forbidden: 'Nicht erlaubt',
    signInAgain: 'Deine Anmeldung ist abgelaufen. Bitte melde dich neu an.',
    offline: 'Keine Verbindung zum Server. Prüfe dein Netz und versuche es erneut.',
    failed: 'Das hat nicht geklappt.',
    requestId: 'Vorgangsnummer: {id}',
    cancel: 'Abbrechen',
    save: 'Speichern',
    close: 'Schließen',
  },
  en: {
    loading: 'Loading …',
    more: 'Load more',
    retry: 'Try again',
    notFound: 'Not found – or not visible to you.',
    forbidden: 'Not allowed',
    signInAgain: 'Your session has ended. Please sign in again.',
    offline: 'No connection to the server. Check your network and try again.',
    failed: 'That did not work.',
    requestId: 'Request id: {id}',
    cancel: 'Cancel',
    save: 'Save',
    close: 'Close',
  },
});
