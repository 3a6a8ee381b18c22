/**
 * How feature values, durations and counts are shown in the feature store
 * panel.
 */
import * as React from 'react';

import { NULL_CLASS } from './classes';

/** A value of a record or a query result as text (`NULL` for null). */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) {
    return 'NULL';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** A value in a table cell; null is shown as a dimmed `NULL`. */
export function ValueText(props: { value: unknown }): JSX.Element {
  const { value } = props;
  if (value === null || value === undefined) {
    return <span className={NULL_CLASS}>NULL</span>;
  }
  return <>{formatValue(value)}</>;
}

const UNITS: ReadonlyArray<[number, string]> = [
  [86400, 'd'],
  [3600, 'h'],
  [60, 'min']
];

/** A duration in seconds in the largest unit that divides it (`7 d`, `90 s`). */
export function formatDuration(seconds: number): string {
  for (const [size, unit] of UNITS) {
    if (seconds >= size && seconds % size === 0) {
      return `${seconds / size} ${unit}`;
    }
  }
  return `${seconds} s`;
}

/** A count with thousands separators. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
