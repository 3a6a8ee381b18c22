/**
 * An editor of `key=value` rows (build arguments, hyperparameters, channels):
 * a row per pair with Remove, and an Add button.
 */
import * as React from 'react';

import { BUTTON_CLASS, KEY_VALUE_CLASS, KEY_VALUE_ROW_CLASS } from './classes';
import { TextInput } from './form';

/** A pair as typed. */
export interface IKeyValueRow {
  key: string;
  value: string;
}

/**
 * The pairs typed as an object, or the first problem found: a key
 * `keyProblem` refuses, or a key given twice. Rows without a key nor a
 * value are ignored; keys are trimmed.
 */
export function keyValuesOf(
  rows: ReadonlyArray<IKeyValueRow>,
  keyProblem: (key: string) => string | null,
  what: string
): { values: Record<string, string> } | { error: string } {
  const values: Record<string, string> = {};
  for (const row of rows) {
    const key = row.key.trim();
    if (!key && !row.value) {
      continue;
    }
    const problem = keyProblem(key);
    if (problem) {
      return { error: problem };
    }
    if (key in values) {
      return { error: `The ${what} ${key} is given twice.` };
    }
    values[key] = row.value;
  }
  return { values };
}

/** The properties of a key/value editor. */
export interface IKeyValueEditorProps {
  /** The legend of the group, e.g. `Build arguments`. */
  legend: string;
  /** One row's name in the accessible labels, e.g. `Build argument`. */
  item: string;
  rows: ReadonlyArray<IKeyValueRow>;
  onChange: (rows: IKeyValueRow[]) => void;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
}

/**
 * Rows of key and value inputs, labelled `<item> <n> name` and
 * `<item> <n> value`, with `Remove <item> <n>` and `Add <item>` buttons.
 */
export function KeyValueEditor(props: IKeyValueEditorProps): JSX.Element {
  const { rows, onChange, item } = props;
  const lower = item.toLowerCase();
  const set = (index: number, row: Partial<IKeyValueRow>) =>
    onChange(rows.map((old, i) => (i === index ? { ...old, ...row } : old)));
  return (
    <fieldset className={KEY_VALUE_CLASS}>
      <legend>{props.legend}</legend>
      {rows.map((row, index) => (
        <div key={index} className={KEY_VALUE_ROW_CLASS}>
          <TextInput
            label={`${item} ${index + 1} name`}
            placeholder={props.keyPlaceholder ?? 'name'}
            value={row.key}
            onChange={key => set(index, { key })}
          />
          <span aria-hidden="true">=</span>
          <TextInput
            label={`${item} ${index + 1} value`}
            placeholder={props.valuePlaceholder ?? 'value'}
            value={row.value}
            onChange={value => set(index, { value })}
          />
          <button
            type="button"
            className={BUTTON_CLASS}
            aria-label={`Remove ${lower} ${index + 1}`}
            title={`Remove ${lower} ${index + 1}`}
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            ✕
          </button>
        </div>
      ))}
      <button
        type="button"
        className={BUTTON_CLASS}
        onClick={() => onChange([...rows, { key: '', value: '' }])}
      >
        Add {lower}
      </button>
    </fieldset>
  );
}
