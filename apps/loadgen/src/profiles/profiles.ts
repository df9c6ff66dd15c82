/** A load shape: the offered rate (orders per second) in each second of the run. */
export interface Profile {
  readonly description: string;
  readonly durationSec: number;
  rateAt(second: number): number;
}

export function steady(rate: number, durationSec: number): Profile {
  return { description: `steady ${rate}/s for ${durationSec} s`, durationSec, rateAt: () => rate };
}

/** `base` throughout, `base × multiplier` from `atSec` for `lengthSec` seconds. */
export function spike(options: { base: number; multiplier: number; atSec: number; lengthSec: number; durationSec: number }): Profile {
  const { base, multiplier, atSec, lengthSec, durationSec } = options;
  return {
    description: `spike: ${base}/s, ×${multiplier} (${base * multiplier}/s) from ${atSec} s for ${lengthSec} s, ${durationSec} s in all`,
    durationSec,
    rateAt: (second) => (second >= atSec && second < atSec + lengthSec ? base * multiplier : base),
  };
}

export function ramp(from: number, to: number, durationSec: number): Profile {
  return {
    description: `ramp ${from}/s → ${to}/s over ${durationSec} s`,
    durationSec,
    rateAt: (second) => from + ((to - from) * second) / Math.max(1, durationSec - 1),
  };
}

export function sine(options: { mean: number; amplitude: number; periodSec: number; durationSec: number }): Profile {
  const { mean, amplitude, periodSec, durationSec } = options;
  return {
    description: `sine ${mean}/s ± ${amplitude}/s, period ${periodSec} s, ${durationSec} s`,
    durationSec,
    rateAt: (second) => Math.max(0, mean + amplitude * Math.sin((2 * Math.PI * second) / periodSec)),
  };
}

export function step(levels: readonly number[], stepSec: number): Profile {
  return {
    description: `steps ${levels.join('/s → ')}/s, ${stepSec} s each`,
    durationSec: levels.length * stepSec,
    rateAt: (second) => levels[Math.min(levels.length - 1, Math.floor(second / stepSec))],
  };
}

/** Replays a recorded rate: CSV lines `second,rate` (a header line is allowed). */
export function csvReplay(text: string, source: string): Profile {
  const rates = new Map<number, number>();
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
  lines.forEach((line, index) => {
    const [second, rate] = line.split(',').map((cell) => Number(cell.trim()));
    if (Number.isInteger(second) && second >= 0 && Number.isFinite(rate) && rate >= 0) rates.set(second, rate);
    else if (index > 0) throw new Error(`${source}:${index + 1}: expected "second,rate", got "${line}"`);
  });
  if (rates.size === 0) throw new Error(`${source}: no "second,rate" rows`);
  const durationSec = [...rates.keys()].reduce((last, second) => Math.max(last, second), 0) + 1;
  return { description: `replay of ${source} (${durationSec} s)`, durationSec, rateAt: (second) => rates.get(second) ?? 0 };
}

/**
 * When each request of the run leaves, in ms from the start: evenly spread within each second,
 * fractional rates carried over so that 2.5/s sends 5 requests every 2 seconds.
 */
export function departureTimes(profile: Profile): number[] {
  const times: number[] = [];
  let carried = 0;
  for (let second = 0; second < profile.durationSec; second += 1) {
    const wanted = profile.rateAt(second) + carried;
    const count = Math.floor(wanted);
    carried = wanted - count;
    for (let index = 0; index < count; index += 1) times.push(second * 1000 + (index * 1000) / count);
  }
  return times;
}
