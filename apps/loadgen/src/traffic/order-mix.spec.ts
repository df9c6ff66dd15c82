import { ORDER_TYPES, validatePayload } from '@bss/contracts';
import { parseMix, payloadFor, pickType } from './order-mix';
import { seededRandom } from './random';

describe('order mix', () => {
  it('picks types in proportion to their weights, reproducibly', () => {
    const mix = parseMix('SUBSCRIPTION=3,mnp=1', ['SUBSCRIPTION', 'MNP']);
    const random = seededRandom(7);
    const picks = Array.from({ length: 4000 }, () => pickType(mix, random));
    const share = picks.filter((type) => type === 'SUBSCRIPTION').length / picks.length;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
    const again = seededRandom(7);
    expect(Array.from({ length: 4000 }, () => pickType(mix, again))).toEqual(picks);
  });

  it('splits evenly by default and names a bad item', () => {
    expect(parseMix(undefined, ['MNP', 'CHANGE'])).toEqual([{ type: 'MNP', weight: 1 }, { type: 'CHANGE', weight: 1 }]);
    expect(() => parseMix('FAX=2', ['MNP'])).toThrow('--mix: "FAX=2" is not TYPE=weight with a known type');
  });

  it.each(ORDER_TYPES)('generates valid, distinct %s payloads', (type) => {
    const random = seededRandom(1);
    const [first, second] = [payloadFor(type, random), payloadFor(type, random)];
    expect(validatePayload(type, 'api', first).ok).toBe(true);
    expect(first['msisdn']).not.toEqual(second['msisdn']);
  });
});
