import { renderLatencyCurve } from './latency-curve-svg';

describe('renderLatencyCurve', () => {
  const points = [
    { shareOfSustainable: 0.1, offeredPerSec: 300, intakeP50Ms: 2, intakeP99Ms: 6, appliedP50Ms: 4, appliedP99Ms: 12 },
    { shareOfSustainable: 0.5, offeredPerSec: 1500, intakeP50Ms: 3, intakeP99Ms: 9, appliedP50Ms: 5, appliedP99Ms: 40 },
    { shareOfSustainable: 0.9, offeredPerSec: 2700, intakeP50Ms: 5, intakeP99Ms: 30, appliedP50Ms: 20, appliedP99Ms: 1800 },
  ];

  it('draws one line per percentile through every measured point, with the rates and shares on x', () => {
    const svg = renderLatencyCurve(points, 3000, 'curve <test>');
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg.match(/<circle /g)).toHaveLength(12);
    for (const label of ['300', '1,500', '2,700', '10 %', '50 %', '90 %', 'accepted → applied p99', 'curve &lt;test&gt;']) expect(svg).toContain(label);
  });

  it('spans whole decades from below the fastest to above the slowest figure', () => {
    const svg = renderLatencyCurve(points, 3000, 'curve');
    expect(svg).toContain('>1 ms<');
    expect(svg).toContain('>10 s<');
    expect(svg).not.toContain('>0.1 ms<');
  });

  it('leaves out figures that were not measured', () => {
    const svg = renderLatencyCurve([{ shareOfSustainable: 0.5, offeredPerSec: 100, intakeP99Ms: 5 }], 200, 'one');
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });
});
