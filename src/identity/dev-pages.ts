// The development provider's pages: sign-in, sign-out confirmation, errors. Plain HTML forms
// without any script, so they work under Flurfunk's Content-Security-Policy; every value is
// escaped.
import crypto from 'node:crypto';
const STYLE = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;padding:3rem 1rem}
main{max-width:24rem;margin:0 auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-size:1.3rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box;font-size:1rem}
button{margin-top:1rem;padding:.6rem 1rem;font-size:1rem;border:0;border-radius:4px;background:#0b5cad;color:#fff;cursor:pointer}
button.secondary{background:#6b7280}.error{color:#b00020}.hint{color:#555;font-size:.9rem}`;

/** The CSP source that allows exactly this inline stylesheet and nothing else. */
export const DEV_PAGE_STYLE_HASH = `'sha256-${crypto.createHash('sha256').update(STYLE).digest('base64')}'`;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export function loginPage(options: { action: string; client: string; username?: string; error?: string; users: readonly string[] }): string {
  return page(
    'Anmelden – Entwicklungs-Anmeldedienst',
    `<h1>Anmelden bei Flurfunk</h1>
<p class="hint">Entwicklungs-Anmeldedienst (kein echtes Verzeichnis) für ${escapeHtml(options.client)}. Demo-Personen: ${options.users.map(escapeHtml).join(', ')}; Passwort siehe dev/demo-users.yaml.</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="${escapeHtml(options.action)}">
<label for="username">Benutzername</label><input id="username" name="username" autocomplete="username" required autofocus value="${escapeHtml(options.username ?? '')}">
<label for="password">Passwort</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Anmelden</button>
</form>`,
  );
}

export function logoutPage(form: string): string {
  return page(
    'Abmelden – Entwicklungs-Anmeldedienst',
    `<h1>Auch beim Anmeldedienst abmelden?</h1>
${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Ja, abmelden</button>
<button type="submit" form="op.logoutForm" class="secondary">Nein, angemeldet bleiben</button>`,
  );
}

export function loggedOutPage(): string {
  return page('Abgemeldet', '<h1>Sie sind abgemeldet.</h1><p><a href="/">Zurück zu Flurfunk</a></p>');
}

export function errorPage(error: string, description: string | undefined): string {
  return page('Anmeldung nicht möglich', `<h1>Anmeldung nicht möglich</h1><p class="error">${escapeHtml(error)}${description ? `: ${escapeHtml(description)}` : ''}</p><p><a href="/">Zurück zu Flurfunk</a></p>`);
}
