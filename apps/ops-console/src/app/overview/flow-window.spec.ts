import { FlowWindow } from './flow-window';

const WINDOW_MS = 3000;

describe('FlowWindow', () => {
  it('has no rates until it holds two samples', () => {
    const window = new FlowWindow(WINDOW_MS);
    expect(window.add({ at: 0, removed: 0, ready: 10 })).toBeNull();
    expect(window.add({ at: 1000, removed: 20, ready: 10 })).toEqual({ drain: 20, arrival: 20 });
  });

  it('drains at the rate of removals; arrivals are drain plus the change of the ready depth', () => {
    const window = new FlowWindow(WINDOW_MS);
    window.add({ at: 0, removed: 0, ready: 0 });
    expect(window.add({ at: 2000, removed: 50, ready: 100 })).toEqual({ drain: 25, arrival: 75 });
  });

  it('shows the queue draining with nothing arriving', () => {
    const window = new FlowWindow(WINDOW_MS);
    window.add({ at: 0, removed: 100, ready: 120 });
    expect(window.add({ at: 1000, removed: 125, ready: 95 })).toEqual({ drain: 25, arrival: 0 });
  });

  it('measures from the newest sample at least a window old, forgetting what came before', () => {
    const window = new FlowWindow(WINDOW_MS);
    const removedAt = [0, 0, 0, 0, 100, 110, 120, 130];
    removedAt.forEach((removed, second) => window.add({ at: second * 1000, removed, ready: 0 }));
    expect(window.add({ at: 8000, removed: 140, ready: 0 })).toEqual({ drain: 10, arrival: 10 });
  });

  it('spans one sampling interval when samples are further apart than the window', () => {
    const window = new FlowWindow(WINDOW_MS);
    window.add({ at: 0, removed: 0, ready: 0 });
    window.add({ at: 5000, removed: 50, ready: 0 });
    expect(window.add({ at: 10_000, removed: 150, ready: 0 })).toEqual({ drain: 20, arrival: 20 });
  });

  it('never answers a negative arrival rate while consumers take messages into their prefetch', () => {
    const window = new FlowWindow(WINDOW_MS);
    window.add({ at: 0, removed: 0, ready: 50 });
    expect(window.add({ at: 1000, removed: 0, ready: 30 })).toEqual({ drain: 0, arrival: 0 });
  });

  it('has a drain rate but no arrival rate when the ready depth is unknown', () => {
    const window = new FlowWindow(WINDOW_MS);
    window.add({ at: 0, removed: 0, ready: undefined });
    expect(window.add({ at: 1000, removed: 5, ready: 3 })).toEqual({ drain: 5, arrival: null });
    expect(window.add({ at: 2000, removed: 10, ready: undefined })).toEqual({ drain: 5, arrival: null });
  });

  it('measures arrivals from the oldest sample in the window whose depth is known', () => {
    const window = new FlowWindow(WINDOW_MS);
    window.add({ at: 0, removed: 0, ready: undefined });
    window.add({ at: 1000, removed: 0, ready: 0 });
    expect(window.add({ at: 3000, removed: 30, ready: 40 })).toEqual({ drain: 10, arrival: 35 });
  });

  it('starts over after being cleared, and ignores a sample that is not newer', () => {
    const window = new FlowWindow(WINDOW_MS);
    window.add({ at: 0, removed: 0, ready: 0 });
    expect(window.add({ at: 0, removed: 5, ready: 0 })).toBeNull();
    window.clear();
    expect(window.add({ at: 1000, removed: 500, ready: 0 })).toBeNull();
    expect(window.add({ at: 2000, removed: 510, ready: 0 })).toEqual({ drain: 10, arrival: 10 });
  });
});
