import { BadRequestException } from '@nestjs/common';
import { parseFilter, parseSelection, requirePurgeConfirmation } from './request-parsing';

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

  it('requires confirm: true to purge', () => {
    expect(() => requirePurgeConfirmation({ type: 'MNP' })).toThrow(/confirm/);
    expect(() => requirePurgeConfirmation({ type: 'MNP', confirm: 'yes' })).toThrow(/confirm/);
    expect(() => requirePurgeConfirmation({ type: 'MNP', confirm: true })).not.toThrow();
  });
});
