// The listbox of the composer's combobox: the textarea keeps the focus (arrow keys move the
// active option, announced through aria-activedescendant); a click picks too.
import type { Suggestion } from './use-completion.js';

export function SuggestionList({ id, label, suggestions, active, onPick }: { id: string; label: string; suggestions: readonly Suggestion[]; active: number; onPick: (s: Suggestion) => void }) {
  return (
    <ul id={id} role="listbox" class="suggestions" aria-label={label} hidden={suggestions.length === 0}>
      {suggestions.map((s, i) => (
        <li
          key={s.key}
          id={`${id}-${i}`}
          role="option"
          aria-selected={i === active}
          class={i === active ? 'active' : undefined}
          // Keep the focus (and the caret) in the textarea.
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => onPick(s)}
        >
          <span class="suggestion-label">{s.label}</span> <span class="muted">{s.detail}</span>
        </li>
      ))}
    </ul>
  );
}
