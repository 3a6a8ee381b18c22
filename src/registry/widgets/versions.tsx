/**
 * The versions of the selected group: a table (one column per metric), the
 * metric selector and the metric chart.
 */
import * as React from 'react';

import { EMPTY_CLASS } from '../../widgets/classes';
import { SelectField } from '../../widgets/form';
import type { IRegistryVersion, VersionStatus } from '../api';
import { formatMetric, MetricChart } from './chart';
import {
  ALIAS_CLASS,
  BADGE_CLASS,
  CHART_SECTION_CLASS,
  SELECTED_CLASS,
  VERSION_ROW_CLASS,
  VERSIONS_TABLE_CLASS
} from './classes';

const STATUS_LABELS: Record<VersionStatus, string> = {
  PendingManualApproval: 'Pending',
  Approved: 'Approved',
  Rejected: 'Rejected'
};

/** A version's status as a badge. */
export function StatusBadge(props: { status: VersionStatus }): JSX.Element {
  return (
    <span
      className={BADGE_CLASS}
      data-status={props.status}
      title={props.status}
    >
      {STATUS_LABELS[props.status] ?? props.status}
    </span>
  );
}

/** A version's aliases as chips. */
export function AliasChips(props: {
  aliases: ReadonlyArray<string>;
}): JSX.Element {
  return (
    <>
      {props.aliases.map(alias => (
        <span key={alias} className={ALIAS_CLASS}>
          {alias}
        </span>
      ))}
    </>
  );
}

/** A date shown short, with the full timestamp as a title. */
export function DateText(props: { value: string }): JSX.Element {
  const date = new Date(props.value);
  const text = Number.isNaN(date.getTime())
    ? props.value
    : date.toLocaleString();
  return (
    <time dateTime={props.value} title={props.value}>
      {text}
    </time>
  );
}

/** The properties of the versions table. */
export interface IVersionsTableProps {
  versions: ReadonlyArray<IRegistryVersion>;
  metrics: string[];
  selected: number | null;
  onSelect: (version: number) => void;
}

/** The versions, newest first; a click (or Enter) selects a row. */
export function VersionsTable(props: IVersionsTableProps): JSX.Element {
  const { versions, metrics, selected, onSelect } = props;
  return (
    <table className={VERSIONS_TABLE_CLASS} aria-label="Versions">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Status</th>
          <th scope="col">Aliases</th>
          <th scope="col">Registered by</th>
          <th scope="col">Created</th>
          {metrics.map(metric => (
            <th key={metric} scope="col" data-metric={metric}>
              {metric}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {versions.map(version => {
          const isSelected = version.version === selected;
          return (
            <tr
              key={version.version}
              className={
                VERSION_ROW_CLASS + (isSelected ? ` ${SELECTED_CLASS}` : '')
              }
              aria-label={`Version ${version.version}`}
              aria-current={isSelected ? 'true' : undefined}
              data-version={version.version}
              onClick={() => onSelect(version.version)}
            >
              <td>
                <button
                  type="button"
                  className="jp-MlopsStudio-linkButton"
                  title={`Show the details of version ${version.version}`}
                  onClick={event => {
                    event.stopPropagation();
                    onSelect(version.version);
                  }}
                >
                  {version.version}
                </button>
              </td>
              <td>
                <StatusBadge status={version.status} />
              </td>
              <td>
                <AliasChips aliases={version.aliases} />
              </td>
              <td>{version.registered_by}</td>
              <td>
                <DateText value={version.created_at} />
              </td>
              {metrics.map(metric => (
                <td key={metric} data-metric={metric}>
                  {metric in version.metrics
                    ? formatMetric(version.metrics[metric])
                    : '–'}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The properties of the chart section. */
export interface IMetricSectionProps {
  versions: ReadonlyArray<IRegistryVersion>;
  metrics: string[];
  metric: string | null;
  selected: number | null;
  onMetric: (metric: string) => void;
  onSelect: (version: number) => void;
}

/** The metric selector and the chart of the chosen metric. */
export function MetricSection(props: IMetricSectionProps): JSX.Element {
  const { versions, metrics, metric, selected } = props;
  if (metrics.length === 0 || metric === null) {
    return <p className={EMPTY_CLASS}>No metrics recorded.</p>;
  }
  return (
    <section className={CHART_SECTION_CLASS} aria-label="Metric chart">
      <SelectField
        label="Metric"
        value={metric}
        options={metrics}
        onChange={props.onMetric}
      />
      <MetricChart
        versions={versions}
        metric={metric}
        selected={selected}
        onSelect={props.onSelect}
      />
    </section>
  );
}
