import { describeTarget, judge, ratio, Target, Verdict } from './statistics';

/** One line of the benchmark's table and JSON: a figure, what bounds it, and whether it met its target. */
export interface ResultRow {
  readonly section: string;
  readonly figure: string;
  readonly value?: number;
  readonly unit: string;
  readonly ceiling?: number;
  readonly ratio?: number;
  /** Text of the target, e.g. `≥ 0.7 × ceiling` or `≤ 25 ms`. */
  readonly target: string;
  readonly verdict: Verdict;
}

interface FigureSpec {
  readonly section: string;
  readonly figure: string;
  readonly value: number | undefined;
  readonly unit: string;
}

/** A figure compared with a ceiling; the target, if any, applies to the ratio. */
export function ratioRow(spec: FigureSpec & { ceiling: number | undefined; target?: Target }): ResultRow {
  const share = ratio(spec.value, spec.ceiling);
  return {
    section: spec.section,
    figure: spec.figure,
    value: spec.value,
    unit: spec.unit,
    ceiling: spec.ceiling,
    ratio: share,
    target: spec.target ? `${describeTarget(spec.target)} × ceiling` : '',
    verdict: judge(share, spec.target),
  };
}

/** A figure judged on its own value (latency, memory, cost), or only reported when there is no target. */
export function valueRow(spec: FigureSpec & { target?: Target }): ResultRow {
  return {
    section: spec.section,
    figure: spec.figure,
    value: spec.value,
    unit: spec.unit,
    target: describeTarget(spec.target, spec.unit === '%' ? ' %' : ` ${spec.unit}`),
    verdict: judge(spec.value, spec.target),
  };
}
