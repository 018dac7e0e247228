/// <reference lib="dom" />
import uPlot from 'uplot';

/*
 * The reports' chart, loaded on demand (its own chunk): uPlot draws on a
 * canvas, ~50 KB minified. This module imports nothing of the app's, so the
 * inbox's bundle carries none of it.
 */

export interface PerDayChart {
  labels: string[];
  conversations: number[];
  resolved: number[];
  names: { day: string; conversations: string; resolved: string };
}

export interface DrawnChart {
  destroy(): void;
}

/** Conversations per day as bars, resolved ones as a line; sized to `el` and kept so. */
export function drawPerDay(el: HTMLElement, chart: PerDayChart): DrawnChart {
  const x = chart.labels.map((_, i) => i);
  const width = () => Math.max(260, el.clientWidth);
  const height = 240;
  const label = (i: number) => {
    const text = chart.labels[i];
    return text === undefined ? '' : text.slice(5); // MM-DD
  };
  const plot = new uPlot(
    {
      width: width(),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: [-0.6, Math.max(0, x.length - 1) + 0.6] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        {
          stroke: '#556070',
          grid: { show: false },
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? label(v) : '')),
          space: 44,
        },
        {
          stroke: '#556070',
          grid: { stroke: '#e6e9ee' },
          values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
        },
      ],
      series: [
        { label: chart.names.day, value: (_u, v) => (v === null ? '' : (chart.labels[v] ?? '')) },
        {
          label: chart.names.conversations,
          stroke: '#1d5fd1',
          fill: 'rgba(29, 95, 209, 0.75)',
          paths: uPlot.paths.bars!({ size: [0.7, 48] }),
          points: { show: false },
        },
        {
          label: chart.names.resolved,
          stroke: '#17723a',
          width: 2,
          points: { show: true, size: 5 },
        },
      ],
    },
    [x, chart.conversations, chart.resolved],
    el,
  );
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height }));
  observer.observe(el);
  return {
    destroy() {
      observer.disconnect();
      plot.destroy();
    },
  };
}
