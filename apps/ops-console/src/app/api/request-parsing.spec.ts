import { BadRequestException } from '@nestjs/common';
import { parseFilter, parseLimit, parseSearchText, parseSelection, requirePurgeConfirmation } from './request-parsing';

describe('request parsing', () => {
  it('takes ids or a type, never both or neither', () => {
    expect(parseSelection({ ids: ['3', 3, '3'] })).toEqual({ ids: ['3'] });
    expect(parseSelection({ type: 'mnp' })).toEqual({ type: 'MNP' });
    for (const body of [{}, { ids: ['1'], type: 'MNP' }, { ids: [] }, { type: 'FAX' }, { ids: ['x'] }, null, []]) {
      expect(() => parseSelection(body)).toThrow(BadRequestException);
    }
  });

  it('bounds list filters', () => {
    expect(parseFilter({ type: 'mnp', state: 'dead', limit: '10' })).toEqual({ type: 'MNP', reason: undefined, state: 'dead', limit: 10, offset: 0 });
    expect(() => parseFilter({ limit: '100000' })).toThrow(BadRequestException);
    expect(() => parseFilter({ state: 'gone' })).toThrow(BadRequestException);
  });

  it('takes one search text, trimmed, of 1 to 200 characters', () => {
    expect(parseSearchText({ q: '  corr-1 ' })).toBe('corr-1');
    for (const query of [{}, { q: '' }, { q: '   ' }, { q: 'x'.repeat(201) }, { q: ['a', 'b'] }]) expect(() => parseSearchText(query)).toThrow(BadRequestException);
  });

  it('bounds a limit, with a default', () => {
    expect(parseLimit({}, 100)).toBe(100);
    expect(parseLimit({ limit: '7' }, 100)).toBe(7);
    expect(() => parseLimit({ limit: '0' }, 100)).toThrow(BadRequestException);
  });

  it('requires confirm: true to purge', () => {
    expect(() => requirePurgeConfirmation({ type: 'MNP' })).toThrow(/confirm/);
    expect(() => requirePurgeConfirmation({ type: 'MNP', confirm: 'yes' })).toThrow(/confirm/);
    expect(() => requirePurgeConfirmation({ type: 'MNP', confirm: true })).not.toThrow();
  });
});
