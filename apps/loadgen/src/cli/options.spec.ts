import { departureTimes } from '../profiles/profiles';
import { parseOptions } from './options';

describe('parseOptions', () => {
  it('defaults to a compare run of a 10× spike', () => {
    const options = parseOptions([]);
    expect(options).not.toBe('help');
    if (options === 'help') return;
    expect(options.mode).toBe('compare');
    expect(options.profile.description).toContain('×10');
    expect(departureTimes(options.profile)).toHaveLength(20 * 30 + 10 * 300);
  });

  it('builds each profile and the replicas map', () => {
    const options = parseOptions(['--profile', 'steady', '--rate', '20', '--duration', '3', '--replicas', 'mnp-processor=2', '--launch']);
    if (options === 'help') throw new Error('unexpected help');
    expect(departureTimes(options.profile)).toHaveLength(60);
    expect(options.replicas).toEqual({ 'mnp-processor': 2 });
    expect(options.launch).toBe(true);
  });

  it('names the option that is wrong', () => {
    expect(() => parseOptions(['--mode', 'sideways'])).toThrow('--mode must be one of compare, queue, direct; got "sideways"');
    expect(() => parseOptions(['--rate=-5'])).toThrow('--rate must be a positive number; got "-5"');
    expect(() => parseOptions(['--replicas', 'mnp=2'])).toThrow('--replicas: "mnp=2" is not <type>-processor=N');
    expect(() => parseOptions(['--profile', 'csv'])).toThrow('--profile csv needs --csv FILE');
    expect(() => parseOptions(['--bogus'])).toThrow(/bogus/);
    expect(parseOptions(['--help'])).toBe('help');
  });
});
