// A polite live region per page: new posts and comments that arrive are announced to screen
// readers without moving the focus away from what the person is doing.
import { useCallback, useState } from 'preact/hooks';

export function useAnnouncer(): { message: string; announce: (text: string) => void } {
  const [message, setMessage] = useState('');
  // The same words twice in a row would not be announced again: alternate a trailing space.
  const announce = useCallback((text: string) => setMessage((old) => (old === text ? `${text} ` : text)), []);
  return { message, announce };
}

export function Announcer({ message }: { message: string }) {
  return (
    <p class="visually-hidden" role="status" aria-live="polite">
      {message}
    </p>
  );
}
