/**
 * A bar/line chart over uPlot, with a text summary for screen readers. uPlot is loaded on first use, in its own
 * chunk, so pages paint their tables before the chart library is fetched and parsed.
 */
import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';

let library: Promise<typeof uPlot> | undefined;
/** uPlot, imported once. */
const loadPlot = () => {
  library ??= import('uplot').then((module) => module.default);
  return library;
};

/** Props of {@link Chart}. */
export interface ChartProps {
  /** Accessible name of the chart. */
  label: string;
  /** Unix seconds on x, values on y. */
  x: number[];
  y: number[];
  series: string;
  /** How the y values read in the summary, e.g. `jobs`. */
  unit: string;
  kind?: 'bars' | 'line';
  height?: number;
}

export function Chart({ label, x, y, series, unit, kind = 'bars', height = 180 }: ChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The latest data, for a plot created after the library arrives.
  const data = useRef<[number[], number[]]>([x, y]);
  data.current = [x, y];
  useEffect(() => {
    const target = element.current!;
    let resize: ResizeObserver | undefined;
    let closed = false;
    const create = (UPlot: typeof uPlot) => {
      const width = Math.max(280, target.clientWidth);
      const bars = UPlot.paths.bars?.({ size: [0.6, 40] });
      plot.current = new UPlot(
        {
          width,
          height,
          legend: { show: false },
          cursor: { show: true, drag: { x: false, y: false } },
          scales: { x: { time: true } },
          axes: [
            { stroke: '#c9d1d9', grid: { stroke: '#30363d' }, ticks: { stroke: '#30363d' } },
            { stroke: '#c9d1d9', grid: { stroke: '#30363d' }, ticks: { stroke: '#30363d' } },
          ],
          series: [
            {},
            {
              label: series,
              stroke: '#3fb950',
              fill: 'rgba(63, 185, 80, 0.35)',
              width: 2,
              ...(kind === 'bars' && bars ? { paths: bars, points: { show: false } } : {}),
            },
          ],
        },
        data.current,
        target,
      );
      resize = new ResizeObserver(() => plot.current?.setSize({ width: target.clientWidth, height }));
      resize.observe(target);
    };
    void loadPlot().then((UPlot) => {
      if (closed) return;
      create(UPlot);
    });
    return () => {
      closed = true;
      resize?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [height, kind, series]);
  useEffect(() => {
    plot.current?.setData([x, y]);
  }, [x, y]);
  const total = y.reduce((a, b) => a + b, 0);
  const summary = `${label}: ${Math.round(total * 1000) / 1000} ${unit} in total over ${x.length} points`;
  return (
    <figure class="chart">
      <div ref={element} role="img" aria-label={summary} />
      <figcaption class="muted">{summary}</figcaption>
    </figure>
  );
}
