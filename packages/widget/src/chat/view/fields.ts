/// <reference lib="dom" />
import { h, type ComponentChild } from 'preact';

export interface FieldProps {
  id: string;
  label: string;
  type: 'name' | 'email' | 'text' | 'textarea';
  required: boolean;
  value: string;
  error: string | undefined;
  onInput: (value: string) => void;
}

/** A labelled input whose error is announced and tied to it (`aria-describedby`). */
export function Field(p: FieldProps): ComponentChild {
  const id = `pw-f-${p.id}`;
  const errorId = `${id}-e`;
  const attrs = {
    id,
    name: p.id,
    value: p.value,
    required: p.required,
    'aria-invalid': p.error ? true : undefined,
    'aria-describedby': p.error ? errorId : undefined,
    onInput: (e: Event) => p.onInput((e.target as HTMLInputElement).value),
  };
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, p.label, p.required ? ' *' : ''),
    p.type === 'textarea'
      ? h('textarea', { ...attrs, rows: 4 })
      : h('input', {
          ...attrs,
          type: p.type === 'email' ? 'email' : 'text',
          autocomplete: p.type === 'name' ? 'name' : p.type === 'email' ? 'email' : 'off',
        }),
    p.error && h('p', { id: errorId, class: 'err' }, p.error),
  );
}
