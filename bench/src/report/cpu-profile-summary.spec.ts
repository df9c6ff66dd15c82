import { topSelfTime } from './cpu-profile-summary';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

describe('topSelfTime', () => {
  it('ranks functions by their own samples as a share of busy time, merging nodes of one function', () => {
    const summary = topSelfTime({
      startTime: 0,
      endTime: 1,
      nodes: [
        { id: 0, callFrame: frame('(root)'), children: [1, 4, 5, 6, 7] },
        { id: 1, hitCount: 50, callFrame: frame('(idle)') },
        { id: 6, callFrame: frame('submit'), children: [2] },
        { id: 7, callFrame: frame('accept'), children: [3] },
        { id: 2, hitCount: 30, callFrame: frame('parse', 'file:///w/dist/apps/producer-api/main.cjs', 9) },
        { id: 3, hitCount: 10, callFrame: frame('parse', 'file:///w/dist/apps/producer-api/main.cjs', 9) },
        { id: 4, hitCount: 60, callFrame: frame('(garbage collector)') },
        { id: 5, hitCount: 0, callFrame: frame('neverRan') },
      ],
    });
    expect(summary).toEqual([
      { function: '(garbage collector)', location: '', selfPercent: 60, calledFrom: '(root)' },
      { function: 'parse', location: 'dist/apps/producer-api/main.cjs:10', selfPercent: 40, calledFrom: 'submit < (root)' },
    ]);
  });
});
