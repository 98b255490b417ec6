// The timeline's time axis: which span it shows, where a time falls, where its ticks go and how
// they read. Pure, so zooming and panning are unit-tested without a browser.

export type Span = { start: number; end: number };

const STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000,
  300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Ticks every "round" step so that about `count` fit in the span. */
export function ticks(span: Span, count: number): { at: number; label: string }[] {
  const width = Math.max(1, span.end - span.start);
  const step = STEPS_MS.find((s) => width / s <= count) ?? STEPS_MS.at(-1)!;
  const out: { at: number; label: string }[] = [];
  for (let at = Math.ceil(span.start / step) * step; at <= span.end; at += step) {
    out.push({ at, label: label(at, step) });
  }
  return out;
}

const two = (n: number) => String(n).padStart(2, "0");

/** A tick's label in the browser's time zone, as precise as the step needs. */
function label(at: number, step: number): string {
  const d = new Date(at);
  const hm = `${two(d.getHours())}:${two(d.getMinutes())}`;
  if (step < 1_000) return `${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
  if (step < 60_000) return `${hm}:${two(d.getSeconds())}`;
  if (step < 86_400_000) return hm;
  return `${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** The span zoomed by `factor` (< 1 zooms in) around the time at fraction `anchor` of it. */
export function zoom(span: Span, factor: number, anchor = 0.5, minWidth = 10): Span {
  const width = span.end - span.start;
  const next = Math.max(minWidth, width * factor);
  const at = span.start + width * anchor;
  return { start: at - next * anchor, end: at + next * (1 - anchor) };
}

/** The span moved by `fraction` of its width (negative: earlier). */
export function pan(span: Span, fraction: number): Span {
  const shift = (span.end - span.start) * fraction;
  return { start: span.start + shift, end: span.end + shift };
}

/** The span that shows from `start` to `end` with a margin either side. */
export function fit(start: number, end: number): Span {
  const width = Math.max(1_000, end - start);
  // Room on the right for the labels of what happened last ("Not run").
  return { start: start - width * 0.02, end: end + width * 0.1 };
}
