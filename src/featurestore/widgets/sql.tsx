/**
 * The SQL editor of the feature store: a text area over the offline store's
 * views, run with the button or Ctrl/Cmd+Enter, and the results table (or
 * the server's error inline).
 */
import * as React from 'react';

import {
  INPUT_CLASS,
  PRIMARY_BUTTON_CLASS,
  SUBHEADING_CLASS
} from '../../widgets/classes';
import { ErrorMessage } from '../../widgets/form';
import type { IFeatureGroup, IQueryResult } from '../api';
import { IQueryState, sqlIdentifier } from '../model';
import {
  FS_SECTION_CLASS,
  HINT_CLASS,
  SQL_ACTIONS_CLASS,
  SQL_CLASS,
  SQL_EDITOR_CLASS,
  TABLE_CLASS,
  TABLE_SCROLL_CLASS
} from './classes';
import { formatCount, ValueText } from './values';

/** Whether the platform's command key is ⌘ (macOS, iOS). */
function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform ?? '');
}

/** Whether a key event is the "run" shortcut: Ctrl+Enter, or ⌘+Enter. */
export function isRunShortcut(event: React.KeyboardEvent): boolean {
  return event.key === 'Enter' && (event.ctrlKey || event.metaKey);
}

/** Whether a DuckDB column type holds numbers (right-aligned). */
export function isNumericType(type: string): boolean {
  return /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i.test(type);
}

/** The summary line of a result: rows, truncation and time. */
export function resultSummary(result: IQueryResult): string {
  const rows = result.rows.length;
  const count = `${formatCount(rows)} row${rows === 1 ? '' : 's'}`;
  const more = result.truncated ? ' (truncated at the limit)' : '';
  return `${count}${more} in ${Math.round(result.elapsed_ms)} ms`;
}

/** A query result as a table, one column per result column. */
export function ResultsTable(props: { result: IQueryResult }): JSX.Element {
  const { result } = props;
  return (
    <div className={TABLE_SCROLL_CLASS}>
      <table className={TABLE_CLASS} aria-label="Query results">
        <thead>
          <tr>
            {result.columns.map((column, index) => (
              <th
                key={index}
                scope="col"
                title={column.type}
                data-type={isNumericType(column.type) ? 'number' : undefined}
              >
                {column.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {result.rows.map((row, index) => (
            <tr key={index}>
              {row.map((value, column) => (
                <td
                  key={column}
                  data-type={typeof value === 'number' ? 'number' : undefined}
                >
                  <ValueText value={value} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The properties of the SQL editor. */
export interface ISqlEditorProps {
  sql: string;
  query: IQueryState;
  /** The groups whose views can be queried (those with an offline store). */
  groups: ReadonlyArray<IFeatureGroup>;
  onChange: (sql: string) => void;
  onRun: () => void;
}

/** The SQL editor and the result of its last run. */
export function SqlEditor(props: ISqlEditorProps): JSX.Element {
  const { sql, query, onRun } = props;
  const views = props.groups
    .filter(g => g.offline)
    .map(g => sqlIdentifier(g.view));
  const canRun = !query.running && !!sql.trim();
  const shortcut = isMac() ? '⌘+Enter' : 'Ctrl+Enter';
  return (
    <section
      className={`${FS_SECTION_CLASS} ${SQL_CLASS}`}
      aria-label="SQL query"
    >
      <h3 className={SUBHEADING_CLASS}>SQL query</h3>
      <p className={HINT_CLASS}>
        {views.length === 0
          ? 'Each feature group with an offline store is a view.'
          : `Views: ${views.join(', ')} — each with its features and write_time, api_invocation_time, is_deleted.`}
      </p>
      <textarea
        className={`${INPUT_CLASS} ${SQL_EDITOR_CLASS}`}
        aria-label="SQL"
        rows={6}
        spellCheck={false}
        value={sql}
        placeholder="SELECT * FROM customers LIMIT 10"
        onChange={event => props.onChange(event.target.value)}
        onKeyDown={event => {
          if (isRunShortcut(event)) {
            // Keep JupyterLab's own Ctrl+Enter bindings out of the editor.
            event.preventDefault();
            event.stopPropagation();
            if (canRun) {
              onRun();
            }
          }
        }}
      />
      <div className={SQL_ACTIONS_CLASS}>
        <button
          type="button"
          className={PRIMARY_BUTTON_CLASS}
          disabled={!canRun}
          title={`Run the query (${shortcut})`}
          onClick={onRun}
        >
          Run
        </button>
        <span className={HINT_CLASS} role="status">
          {query.running
            ? 'Running…'
            : query.result
              ? resultSummary(query.result)
              : `${shortcut} runs the query`}
        </span>
      </div>
      <ErrorMessage error={query.error} />
      {query.result && <ResultsTable result={query.result} />}
    </section>
  );
}
