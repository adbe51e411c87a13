/**
 * A bar chart of events per window in plain SVG: one bar per 5-minute window on an event-time
 * axis, with the watermark drawn where it falls. Windows whose end is at or before the watermark
 * are final (drawn grey); the others are still open in the query's state (drawn blue).
 */
export interface WindowBar {
  readonly start: Date;
  readonly end: Date;
  readonly events: number;
}

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 16, right: 12, bottom: 28, left: 44 };

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export const hhmm = (d: Date): string => d.toISOString().slice(11, 16);

/** Redraws `svg` with `bars` (any order) and the watermark (null before the first one). */
export function renderChart(svg: SVGSVGElement, bars: readonly WindowBar[], watermark: Date | null): void {
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.replaceChildren();
  if (bars.length === 0) {
    svg.append(el('text', { x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle', class: 'muted' }, 'waiting for the first window…'));
    return;
  }
  const sorted = [...bars].sort((a, b) => a.start.getTime() - b.start.getTime());
  const t0 = sorted[0]!.start.getTime();
  const t1 = sorted[sorted.length - 1]!.end.getTime();
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number): number => PAD.left + ((t - t0) / (t1 - t0)) * plotW;
  const max = Math.max(...sorted.map((b) => b.events));
  const y = (v: number): number => PAD.top + plotH - (v / max) * plotH;

  // Axes: the baseline and the largest count.
  svg.append(el('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(0), y2: y(0), class: 'axis' }));
  svg.append(el('text', { x: PAD.left - 6, y: y(max) + 4, 'text-anchor': 'end', class: 'tick' }, String(max)));
  svg.append(el('text', { x: PAD.left - 6, y: y(0), 'text-anchor': 'end', class: 'tick' }, '0'));

  const wm = watermark?.getTime();
  const labelEvery = Math.ceil(sorted.length / 8);
  sorted.forEach((b, i) => {
    const left = x(b.start.getTime()) + 1;
    const width = Math.max(1, x(b.end.getTime()) - x(b.start.getTime()) - 2);
    const final = wm !== undefined && b.end.getTime() <= wm;
    const bar = el('rect', { x: left, y: y(b.events), width, height: y(0) - y(b.events), class: final ? 'bar final' : 'bar open' });
    bar.append(el('title', {}, `${hhmm(b.start)}–${hhmm(b.end)}: ${b.events} events (${final ? 'final' : 'open'})`));
    svg.append(bar);
    if (i % labelEvery === 0) svg.append(el('text', { x: left, y: HEIGHT - 10, class: 'tick' }, hhmm(b.start)));
  });

  // The watermark: everything left of it is final.
  if (wm !== undefined && wm >= t0 && wm <= t1) {
    svg.append(el('line', { x1: x(wm), x2: x(wm), y1: PAD.top - 6, y2: y(0), class: 'watermark' }));
    svg.append(el('text', { x: x(wm) - 4, y: PAD.top, 'text-anchor': 'end', class: 'watermark-label' }, `watermark ${hhmm(new Date(wm))}`));
  }
}
