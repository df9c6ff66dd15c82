import { csvReplay, departureTimes, ramp, sine, spike, steady, step } from './profiles';

function perSecond(times: number[]): number[] {
  const counts: number[] = [];
  for (const time of times) counts[Math.floor(time / 1000)] = (counts[Math.floor(time / 1000)] ?? 0) + 1;
  return Array.from(counts, (count) => count ?? 0);
}

describe('profiles', () => {
  it('shapes a spike of base × multiplier', () => {
    const profile = spike({ base: 10, multiplier: 10, atSec: 2, lengthSec: 3, durationSec: 8 });
    expect(perSecond(departureTimes(profile))).toEqual([10, 10, 100, 100, 100, 10, 10, 10]);
  });

  it('spreads departures evenly within each second and carries fractions', () => {
    expect(departureTimes(steady(4, 1))).toEqual([0, 250, 500, 750]);
    expect(departureTimes(steady(2.5, 2))).toHaveLength(5);
  });

  it('ramps, waves and steps', () => {
    expect(perSecond(departureTimes(ramp(0, 40, 5)))).toEqual([0, 10, 20, 30, 40]);
    expect(sine({ mean: 50, amplitude: 50, periodSec: 4, durationSec: 4 }).rateAt(1)).toBeCloseTo(100);
    expect(perSecond(departureTimes(step([5, 15], 2)))).toEqual([5, 5, 15, 15]);
  });

  it('replays a CSV of second,rate and names a bad line', () => {
    const profile = csvReplay('second,rate\n0,3\n2,5\n', 'burst.csv');
    expect(profile.durationSec).toBe(3);
    expect(perSecond(departureTimes(profile))).toEqual([3, 0, 5]);
    expect(() => csvReplay('0,3\nx,y\n', 'bad.csv')).toThrow('bad.csv:2: expected "second,rate", got "x,y"');
  });
});
