// The frame of every signed-in page: a skip link, the navigation (a side bar on wide screens,
// a tab bar at the bottom on phones) with unread counts, who is signed in and sign-out.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { csrf } from '../api.js';
import { connected } from '../live.js';
import { displayName, hasRole, me, unread } from '../session.js';
import { Icon, type IconName } from '../ui/icons.js';
import { t } from './strings.js';

interface NavItem {
  readonly href: string;
  readonly label: string;
  /** A shorter label for the phone's tab bar, where six items share the width. */
  readonly short?: string;
  readonly icon: IconName;
  readonly badge?: number;
  /** Shown in the phone's tab bar ('only': there alone); the others are under "Mehr". */
  readonly phone: boolean | 'only';
}

function Badge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span class="badge" aria-label={t('unreadBadge', { count })}>
      {count > 99 ? '99+' : count}
    </span>
  );
}

function isCurrent(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

/**
 * Tells people who cannot see the page change that it did: the tab's title follows the page's
 * heading, and after navigating, focus moves to the page unless the page put it somewhere
 * itself (a field it opened).
 */
function useAnnouncedNavigation(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    const main = document.getElementById('main');
    if (!main) return;
    const retitle = () => {
      const heading = main.querySelector('h1')?.textContent?.trim();
      const title = heading ? `${heading} – Flurfunk` : 'Flurfunk';
      if (document.title !== title) document.title = title;
    };
    retitle();
    const observer = new MutationObserver(retitle);
    observer.observe(main, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById('main');
    if (main && !main.contains(document.activeElement)) main.focus();
  }, [path]);
}

export function Layout({ children }: { children: ComponentChildren }) {
  const { path } = useLocation();
  useAnnouncedNavigation(path);
  const who = me.value!;
  const items: NavItem[] = [
    { href: '/', label: t('home'), icon: 'home', phone: true },
    { href: '/spaces', label: t('spaces'), icon: 'spaces', phone: true },
    { href: '/messages', label: t('messages'), short: t('messagesShort'), icon: 'messages', badge: unread.value.messages, phone: true },
    { href: '/notifications', label: t('notifications'), short: t('notificationsShort'), icon: 'bell', badge: unread.value.notifications, phone: true },
    { href: '/search', label: t('search'), icon: 'search', phone: true },
    { href: `/people/${encodeURIComponent(who.id)}`, label: t('profile'), icon: 'person', phone: false },
    ...(hasRole('dpo') ? [{ href: '/dpo', label: t('dpo'), icon: 'shield' as const, phone: false }] : []),
    ...(hasRole('admin') ? [{ href: '/admin', label: t('admin'), icon: 'gear' as const, phone: false }] : []),
    { href: '/more', label: t('more'), icon: 'more', phone: 'only' },
  ];
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('skip')}
      </a>
      <header class="topbar">
        <a class="brand" href="/">
          <img src="/icons/icon.svg" alt="" width="28" height="28" />
          <span>Flurfunk</span>
        </a>
        {!connected.value && (
          <span class="live-off" role="status">
            {t('liveOff')}
          </span>
        )}
        <div class="who">
          <span class="who-name">{t('signedInAs', { name: displayName(who) })}</span>
          <form method="post" action="/auth/logout">
            <input type="hidden" name="csrfToken" value={csrf() ?? ''} />
            <button type="submit" class="link">
              {t('signOut')}
            </button>
          </form>
        </div>
      </header>
      <nav class="sidenav" aria-label={t('mainNav')}>
        <ul>
          {items.map((item) => (
            <li key={item.href} class={item.phone === 'only' ? 'only-phone' : item.phone ? 'on-phone' : 'not-on-phone'}>
              <a href={item.href} aria-current={isCurrent(path, item.href) ? 'page' : undefined}>
                <span class="icon">
                  <Icon name={item.icon} />
                </span>
                {item.short ? (
                  <span class="label">
                    <span class="long-label">{item.label}</span>
                    <span class="short-label">{item.short}</span>
                  </span>
                ) : (
                  <span class="label">{item.label}</span>
                )}
                {item.badge !== undefined && <Badge count={item.badge} />}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
