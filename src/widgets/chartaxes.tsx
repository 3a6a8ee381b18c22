/**
 * The axes of the studio's SVG charts (the registry's metric chart, the
 * feature store's histogram): the two axis lines, the tick labels and the
 * axis titles.
 */
import * as React from 'react';

/** The space around a chart's plot, in SVG units. */
export interface IChartMargin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** The drawing size of a chart (the SVG scales to its container's width). */
export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 220;

/** The plot inside a chart's margin: its size and the y of its bottom edge. */
export function plotArea(
  margin: IChartMargin,
  width = CHART_WIDTH,
  height = CHART_HEIGHT
): { plotWidth: number; plotHeight: number; bottom: number } {
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  return { plotWidth, plotHeight, bottom: margin.top + plotHeight };
}

/** A tick label at a position along its axis, in SVG units. */
export interface IChartTick {
  key: string;
  at: number;
  label: React.ReactNode;
}

/** The properties of `ChartAxes`. */
export interface IChartAxesProps {
  /** The class of the chart; the axes get `-axes`, the titles `-axisLabel`. */
  chartClass: string;
  width: number;
  height: number;
  margin: IChartMargin;
  /** The ticks below the plot, `at` an x coordinate. */
  xTicks: ReadonlyArray<IChartTick>;
  /** The ticks left of the plot, `at` a y coordinate. */
  yTicks: ReadonlyArray<IChartTick>;
  xLabel: React.ReactNode;
  yLabel: React.ReactNode;
}

/** The axes of a chart, hidden from assistive technology. */
export function ChartAxes(props: IChartAxesProps): JSX.Element {
  const { chartClass, width, height, margin } = props;
  const { plotWidth, plotHeight, bottom } = plotArea(margin, width, height);
  return (
    <g className={`${chartClass}-axes`} aria-hidden="true">
      <line
        x1={margin.left}
        y1={bottom}
        x2={width - margin.right}
        y2={bottom}
      />
      <line x1={margin.left} y1={margin.top} x2={margin.left} y2={bottom} />
      {props.xTicks.map(tick => (
        <text key={tick.key} x={tick.at} y={bottom + 14} textAnchor="middle">
          {tick.label}
        </text>
      ))}
      {props.yTicks.map(tick => (
        <text
          key={tick.key}
          x={margin.left - 6}
          y={tick.at + 4}
          textAnchor="end"
        >
          {tick.label}
        </text>
      ))}
      <text
        className={`${chartClass}-axisLabel`}
        x={margin.left + plotWidth / 2}
        y={height - 6}
        textAnchor="middle"
      >
        {props.xLabel}
      </text>
      <text
        className={`${chartClass}-axisLabel`}
        transform={`translate(14 ${margin.top + plotHeight / 2}) rotate(-90)`}
        textAnchor="middle"
      >
        {props.yLabel}
      </text>
    </g>
  );
}
