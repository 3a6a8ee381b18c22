/**
 * The templates the server could not load, as a collapsed list with the
 * reason of each: an invalid manifest never hides the rest of the gallery.
 */
import * as React from 'react';

import type { ITemplateProblem } from '../api';
import { PROBLEMS_CLASS } from './classes';

/** Where a problem is: its folder (or entry point, group) and source. */
function problemPlace(problem: ITemplateProblem): string {
  const where = problem.path || problem.source_name || '(the source itself)';
  const source = problem.source_name
    ? `${problem.source} ${problem.source_name}`
    : problem.source;
  return source ? `${where} (${source})` : where;
}

/** "N templates could not be loaded", expanding to the list; nothing without problems. */
export function ProblemsNotice(props: {
  problems: ReadonlyArray<ITemplateProblem>;
}): JSX.Element | null {
  const { problems } = props;
  if (problems.length === 0) {
    return null;
  }
  const summary =
    problems.length === 1
      ? '1 template could not be loaded'
      : `${problems.length} templates could not be loaded`;
  return (
    <details className={PROBLEMS_CLASS}>
      <summary>{summary}</summary>
      <ul aria-label="Templates that could not be loaded">
        {problems.map((problem, index) => (
          <li key={index} data-reason={problem.reason}>
            <strong>{problemPlace(problem)}</strong>: {problem.message}{' '}
            <code>{problem.reason}</code>
          </li>
        ))}
      </ul>
    </details>
  );
}
