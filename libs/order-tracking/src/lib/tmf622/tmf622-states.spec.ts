import { ORDER_STATES } from '@bss/contracts';
import { ITEM_STATE_OF, itemStateOf, ProductOrderItemState, productOrderStateOf } from './tmf622-states';
import { parseHubQuery } from './hub-query';

describe('TMF622 item states', () => {
  it('maps every one of our order states', () => {
    expect(Object.keys(ITEM_STATE_OF).sort()).toEqual([...ORDER_STATES].sort());
    expect(ORDER_STATES.map((state) => `${state}→${ITEM_STATE_OF[state]}`)).toEqual([
      'accepted→acknowledged',
      'queued→acknowledged',
      'in-progress→inProgress',
      'retrying→inProgress',
      'deferred→inProgress',
      'pending→pending',
      'applied→completed',
      'rejected→failed',
      'dead-lettered→held',
      'replayed→inProgress',
      'purged→failed',
    ]);
  });

  it('uses what intake saw until the tracker knows the order', () => {
    expect(itemStateOf('accepted', undefined)).toBe('acknowledged');
    expect(itemStateOf('sending', undefined)).toBe('acknowledged');
    expect(itemStateOf('refused', undefined)).toBe('pending');
    expect(itemStateOf('unknown', undefined)).toBe('pending');
    expect(itemStateOf('unknown', 'applied')).toBe('completed');
  });
});

describe('TMF622 product order state', () => {
  const cases: [ProductOrderItemState[], string][] = [
    [['completed'], 'completed'],
    [['completed', 'completed'], 'completed'],
    [['acknowledged', 'acknowledged'], 'acknowledged'],
    [['acknowledged', 'inProgress'], 'inProgress'],
    [['pending', 'inProgress'], 'inProgress'],
    [['acknowledged', 'pending'], 'pending'],
    [['acknowledged', 'completed'], 'inProgress'],
    [['held', 'inProgress'], 'inProgress'],
    [['held', 'completed'], 'held'],
    [['failed', 'held'], 'held'],
    [['failed', 'failed'], 'failed'],
    [['failed', 'completed'], 'partial'],
  ];
  it.each(cases)('%j → %s', (items, expected) => {
    expect(productOrderStateOf(items)).toBe(expected);
  });
});

describe('hub query', () => {
  it('understands eventType and the product order state, in TMF630 form', () => {
    expect(parseHubQuery(undefined)).toEqual({ ok: true, filter: {} });
    expect(parseHubQuery('eventType=ProductOrderStateChangeEvent')).toEqual({ ok: true, filter: {} });
    expect(parseHubQuery('?eventType = ProductOrderStateChangeEvent&event.productOrder.state=completed,failed')).toEqual({
      ok: true,
      filter: { states: ['completed', 'failed'] },
    });
    expect(parseHubQuery('state=partial')).toEqual({ ok: true, filter: { states: ['partial'] } });
  });

  it('refuses what it cannot honour', () => {
    expect(parseHubQuery('eventType=ProductOrderCreateEvent')).toEqual({ ok: false, problem: expect.stringContaining('ProductOrderCreateEvent') });
    expect(parseHubQuery('state=done')).toEqual({ ok: false, problem: expect.stringContaining('done is not a ProductOrder state') });
    expect(parseHubQuery('event.productOrder.priority=1')).toEqual({ ok: false, problem: expect.stringContaining('cannot be filtered on') });
    expect(parseHubQuery('state=')).toEqual({ ok: false, problem: expect.stringContaining('no value') });
  });
});
