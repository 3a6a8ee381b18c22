/**
 * The histogram of a numeric feature, drawn as plain SVG like the registry's
 * metric chart (same axes and classes, no chart library): one bar per bin
 * with a hover title, the count on the y axis and the bin edges below.
 */
import * as React from 'react';

import { formatMetric } from '../../registry/widgets/chart';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  ChartAxes,
  plotArea
} from '../../widgets/chartaxes';
import { EMPTY_CLASS, SUBHEADING_CLASS } from '../../widgets/classes';
import { ErrorMessage, SelectField } from '../../widgets/form';
import type { IHistogram } from '../api';
import {
  CHART_CLASS,
  FS_SECTION_CLASS,
  HISTOGRAM_CLASS,
  HINT_CLASS
} from './classes';
import { formatCount } from './values';

/** The space around the plot. */
const MARGIN = { top: 12, right: 28, bottom: 40, left: 56 };

/** At most this many bin edges are labelled on the x axis. */
const MAX_X_TICKS = 6;

/** A bar of the histogram. */
export interface IHistogramBar {
  low: number;
  high: number;
  count: number;
}

/** The bars of a histogram, one per bin; none when no record has a value. */
export function histogramBars(histogram: IHistogram): IHistogramBar[] {
  if (histogram.edges.length === 0) {
    return [];
  }
  return histogram.counts.map((count, i) => ({
    low: histogram.edges[i],
    high: histogram.edges[i + 1],
    count
  }));
}

/** The histogram of one feature. */
export function HistogramChart(props: { histogram: IHistogram }): JSX.Element {
  const { histogram } = props;
  const bars = histogramBars(histogram);
  if (bars.length === 0) {
    return (
      <p className={EMPTY_CLASS}>
        No record has a value of {histogram.feature} in the offline store yet.
      </p>
    );
  }
  const { plotWidth, plotHeight, bottom } = plotArea(MARGIN);
  const maxCount = Math.max(1, ...bars.map(b => b.count));
  const barWidth = plotWidth / bars.length;
  const y = (count: number) => bottom - (count / maxCount) * plotHeight;
  const step = Math.max(1, Math.ceil(bars.length / MAX_X_TICKS));
  const xTicks = histogram.edges
    .map((edge, i) => ({ edge, i }))
    .filter(({ i }) => i % step === 0 || i === bars.length);
  const yTicks = Array.from(new Set([0, Math.round(maxCount / 2), maxCount]));

  return (
    <svg
      className={`${CHART_CLASS} ${HISTOGRAM_CLASS}`}
      role="img"
      aria-label={`Histogram of ${histogram.feature}`}
      viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
      preserveAspectRatio="xMidYMid meet"
    >
      <ChartAxes
        chartClass={CHART_CLASS}
        width={CHART_WIDTH}
        height={CHART_HEIGHT}
        margin={MARGIN}
        xTicks={xTicks.map(({ edge, i }) => ({
          key: `x${i}`,
          at: MARGIN.left + i * barWidth,
          label: formatMetric(edge)
        }))}
        yTicks={yTicks.map(count => ({
          key: `y${count}`,
          at: y(count),
          label: formatCount(count)
        }))}
        xLabel={histogram.feature}
        yLabel="Records"
      />
      {bars.map((bar, i) => (
        <rect
          key={i}
          className={`${CHART_CLASS}-bar`}
          data-count={bar.count}
          x={MARGIN.left + i * barWidth + 1}
          y={y(bar.count)}
          width={Math.max(1, barWidth - 2)}
          height={bottom - y(bar.count)}
        >
          <title>{`${formatMetric(bar.low)} – ${formatMetric(bar.high)}: ${formatCount(bar.count)}`}</title>
        </rect>
      ))}
    </svg>
  );
}

/** The properties of the histogram section. */
export interface IHistogramSectionProps {
  /** The numeric features that can be drawn. */
  features: string[];
  feature: string | null;
  histogram: IHistogram | null;
  error: unknown;
  onFeature: (feature: string) => void;
}

/** The feature selector and the histogram of the chosen feature. */
export function HistogramSection(props: IHistogramSectionProps): JSX.Element {
  const { features, feature, histogram, error } = props;
  let body: React.ReactNode;
  if (features.length === 0 || feature === null) {
    body = (
      <p className={EMPTY_CLASS}>
        No numeric feature to draw (histograms read the offline store).
      </p>
    );
  } else if (error) {
    body = <ErrorMessage error={error} />;
  } else if (histogram === null || histogram.feature !== feature) {
    body = <p aria-busy="true">Loading the histogram of {feature}…</p>;
  } else {
    body = (
      <>
        <HistogramChart histogram={histogram} />
        <p className={HINT_CLASS}>
          {`The latest record of each id in the offline store; ${formatCount(histogram.nulls)} without a value.`}
        </p>
      </>
    );
  }
  return (
    <section className={FS_SECTION_CLASS} aria-label="Histogram">
      <h3 className={SUBHEADING_CLASS}>Histogram</h3>
      {features.length > 0 && feature !== null && (
        <SelectField
          label="Feature"
          value={feature}
          options={features}
          onChange={props.onFeature}
        />
      )}
      {body}
    </section>
  );
}
