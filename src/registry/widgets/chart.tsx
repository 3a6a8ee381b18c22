/**
 * A metric across the versions of a group, drawn as plain SVG: one point per
 * version that recorded the metric, joined by a line, with axis labels and a
 * hover title per point.
 */
import * as React from 'react';

import type { IRegistryVersion } from '../api';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  ChartAxes,
  plotArea
} from '../../widgets/chartaxes';
import { EMPTY_CLASS } from '../../widgets/classes';
import { CHART_CLASS } from './classes';

/** The space around the plot. */
const MARGIN = { top: 12, right: 16, bottom: 40, left: 64 };

/** At most this many version ticks are labelled on the x axis. */
const MAX_X_TICKS = 12;

/** A point of the chart. */
export interface IChartPoint {
  version: number;
  value: number;
}

/** The points of `metric`, by ascending version, for versions that have it. */
export function chartPoints(
  versions: ReadonlyArray<IRegistryVersion>,
  metric: string
): IChartPoint[] {
  return versions
    .filter(
      v =>
        Object.prototype.hasOwnProperty.call(v.metrics, metric) &&
        Number.isFinite(v.metrics[metric])
    )
    .map(v => ({ version: v.version, value: v.metrics[metric] }))
    .sort((a, b) => a.version - b.version);
}

/** A number shortened for display (4 significant digits). */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  return String(Number(value.toPrecision(4)));
}

/** The properties of the metric chart. */
export interface IMetricChartProps {
  versions: ReadonlyArray<IRegistryVersion>;
  metric: string;
  /** Called when a point is clicked. */
  onSelect?: (version: number) => void;
  /** The selected version, drawn larger. */
  selected?: number | null;
}

/** The chart of one metric by version. */
export function MetricChart(props: IMetricChartProps): JSX.Element {
  const { versions, metric, onSelect, selected } = props;
  const points = chartPoints(versions, metric);
  if (points.length === 0) {
    return <p className={EMPTY_CLASS}>No version recorded {metric}.</p>;
  }

  const { plotWidth, plotHeight } = plotArea(MARGIN);

  const versionsX = points.map(p => p.version);
  const minX = Math.min(...versionsX);
  const maxX = Math.max(...versionsX);
  const values = points.map(p => p.value);
  let minY = Math.min(...values);
  let maxY = Math.max(...values);
  if (minY === maxY) {
    const pad = Math.abs(minY) * 0.1 || 1;
    minY -= pad;
    maxY += pad;
  } else {
    const pad = (maxY - minY) * 0.08;
    minY -= pad;
    maxY += pad;
  }

  const x = (version: number) =>
    MARGIN.left +
    (maxX === minX
      ? plotWidth / 2
      : ((version - minX) / (maxX - minX)) * plotWidth);
  const y = (value: number) =>
    MARGIN.top + (1 - (value - minY) / (maxY - minY)) * plotHeight;

  const line = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.version)},${y(p.value)}`)
    .join(' ');

  const step = Math.max(1, Math.ceil(points.length / MAX_X_TICKS));
  const xTicks = points.filter(
    (_, i) => i % step === 0 || i === points.length - 1
  );
  const yTicks = [minY, (minY + maxY) / 2, maxY];

  return (
    <svg
      className={CHART_CLASS}
      role="img"
      aria-label={`${metric} by version`}
      viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
      preserveAspectRatio="xMidYMid meet"
    >
      <ChartAxes
        chartClass={CHART_CLASS}
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
        margin={MARGIN}
        xTicks={xTicks.map(p => ({
          key: `x${p.version}`,
          at: x(p.version),
          label: p.version
        }))}
        yTicks={yTicks.map((value, i) => ({
          key: `y${i}`,
          at: y(value),
          label: formatMetric(value)
        }))}
        xLabel="Version"
        yLabel={metric}
      />
      <path className={`${CHART_CLASS}-line`} d={line} fill="none" />
      {points.map(p => (
        <circle
          key={p.version}
          className={`${CHART_CLASS}-point`}
          data-version={p.version}
          data-value={p.value}
          data-selected={p.version === selected ? 'true' : undefined}
          cx={x(p.version)}
          cy={y(p.value)}
          r={p.version === selected ? 6 : 4}
          onClick={onSelect ? () => onSelect(p.version) : undefined}
        >
          <title>{`Version ${p.version}: ${metric} = ${formatMetric(p.value)}`}</title>
        </circle>
      ))}
    </svg>
  );
}
