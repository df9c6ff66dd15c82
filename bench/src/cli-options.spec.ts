import { parseOptions, SECTIONS, sectionsToRun } from './cli-options';

describe('parseOptions', () => {
  it('runs every section at full size by default', () => {
    expect(parseOptions([])).toEqual({ quick: false, cpuProfile: false, sections: new Set(SECTIONS) });
  });

  it('takes --quick, --cpu-prof and --only in both spellings', () => {
    expect(parseOptions(['--quick', '--only', 'intake,drain', '--only=e2e', '--cpu-prof'])).toEqual({
      quick: true,
      cpuProfile: true,
      sections: new Set(['intake', 'drain', 'e2e']),
    });
  });

  it('refuses unknown sections and options', () => {
    expect(() => parseOptions(['--only', 'latency'])).toThrow(/--only takes sections/);
    expect(() => parseOptions(['--only'])).toThrow(/--only takes sections/);
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option --fast/);
  });

  it('asks for help', () => {
    expect(parseOptions(['--help'])).toBe('help');
  });
});

describe('sectionsToRun', () => {
  it('runs intake, drain and e2e for memory, whose processes it samples', () => {
    expect(sectionsToRun(new Set(['memory']))).toEqual(new Set(['memory', 'intake', 'drain', 'e2e']));
    expect(sectionsToRun(new Set(['overhead']))).toEqual(new Set(['overhead']));
  });
});
