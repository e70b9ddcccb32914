// A native modal dialog: the browser traps focus inside, Escape closes it, and focus returns
// to where it was — which a hand-made overlay would have to re-implement.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from './strings.js';

export function Modal({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = useRef(`dialog-${Math.random().toString(36).slice(2)}`).current;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} class={wide ? 'dpo-dialog wide' : 'dpo-dialog'} aria-labelledby={headingId} onClose={onClose}>
      <div class="dpo-dialog-head">
        <h2 id={headingId}>{title}</h2>
        <button type="button" class="dpo-close" onClick={() => ref.current?.close()}>
          {t('close')}
        </button>
      </div>
      {children}
    </dialog>
  );
}
