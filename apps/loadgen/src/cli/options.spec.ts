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

  it('reads the budgets to compare and the capacity fault', () => {
    const options = parseOptions(['--budget', 'both', '--capacity-fault', '0.5@20+15']);
    if (options === 'help') throw new Error('unexpected help');
    expect(options.budgets).toEqual(['adaptive', 'static']);
    expect(options.capacityFault).toEqual({ factor: 0.5, atSec: 20, forSec: 15 });
    const defaults = parseOptions([]);
    if (defaults === 'help') throw new Error('unexpected help');
    expect(defaults.budgets).toEqual(['adaptive']);
    expect(defaults.capacityFault).toBeUndefined();
  });

  it('names the option that is wrong', () => {
    expect(() => parseOptions(['--budget', 'guess'])).toThrow('--budget must be one of adaptive, static, both; got "guess"');
    expect(() => parseOptions(['--capacity-fault', '2@5+5'])).toThrow('--capacity-fault: "2@5+5" is not F@S+D');
    expect(() => parseOptions(['--mode', 'sideways'])).toThrow('--mode must be one of compare, queue, direct; got "sideways"');
    expect(() => parseOptions(['--rate=-5'])).toThrow('--rate must be a positive number; got "-5"');
    expect(() => parseOptions(['--replicas', 'mnp=2'])).toThrow('--replicas: "mnp=2" is not <type>-processor=N');
    expect(() => parseOptions(['--profile', 'csv'])).toThrow('--profile csv needs --csv FILE');
    expect(() => parseOptions(['--bogus'])).toThrow(/bogus/);
    expect(parseOptions(['--help'])).toBe('help');
  });
});
