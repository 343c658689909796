import { BarChart, GraphChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  GraphChart,
  HeatmapChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/** Okabe–Ito: told apart with the common colour-vision deficiencies. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
];
/** Sequential light-to-dark blue for amounts (idle person-days): read by lightness, not hue. */
export const SEQUENTIAL = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];

const charts = new Map<HTMLElement, echarts.ECharts>();
const fontSize = () => parseFloat(getComputedStyle(document.documentElement).fontSize);

/** A chart follows its box's size; a box of no size (a hidden view) is left alone until it has one. */
const resizes = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const c = charts.get(entry.target as HTMLElement);
    if (c && entry.contentRect.width > 0 && entry.contentRect.height > 0) c.resize();
  }
});

export function chart(host: HTMLElement, option: echarts.EChartsCoreOption): echarts.ECharts {
  let c = charts.get(host);
  if (!c) {
    c = echarts.init(host, undefined, { renderer: 'canvas' });
    charts.set(host, c);
    resizes.observe(host);
  }
  c.setOption(
    { color: PALETTE, textStyle: { fontSize: fontSize() * 0.8 }, animation: false, ...option },
    { notMerge: true },
  );
  return c;
}

export const weekLabel = (iso: string): string => iso.slice(0, 10);
