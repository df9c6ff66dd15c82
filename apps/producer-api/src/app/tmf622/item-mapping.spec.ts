import { EXAMPLE_PAYLOADS } from '@bss/contracts';
import { productOrderItem } from '../testing/tmf622-fixtures';
import { mapProductOrderItem } from './item-mapping';
import { parseProductOrder } from './product-order-request';

const item = productOrderItem;

describe('productOrderItem mapping', () => {
  it.each([
    ['add', 'mobile-subscription', 'SUBSCRIPTION'],
    ['add', 'mobile-port-in', 'MNP'],
    ['modify', 'mobile-subscription', 'CHANGE'],
    ['delete', 'mobile-subscription', 'TERMINATION'],
  ] as const)('%s %s is a %s order, its payload the characteristics', (action, offering, type) => {
    const mapped = mapProductOrderItem(item('1', action, offering, EXAMPLE_PAYLOADS[type]), 'productOrderItem[0]');
    expect(mapped).toEqual({ ok: true, item: expect.objectContaining({ itemId: '1', type }) });
    expect(mapped.ok && JSON.parse(JSON.stringify(mapped.item.payload))).toEqual(EXAMPLE_PAYLOADS[type]);
  });

  it('takes an object value for a nested field too', () => {
    const { newHolder, ...rest } = EXAMPLE_PAYLOADS.CHANGE;
    const raw = item('1', 'modify', 'mobile-subscription', rest);
    raw.product.productCharacteristic.push({ name: 'newHolder', value: newHolder });
    expect(mapProductOrderItem(raw, 'productOrderItem[0]').ok).toBe(true);
  });

  it('names what cannot be ordered: an offering and action not offered, noChange, a bad item id or quantity', () => {
    const errors = (raw: unknown) => {
      const mapped = mapProductOrderItem(raw, 'productOrderItem[0]');
      return mapped.ok ? [] : mapped.errors.map((error) => error.field);
    };
    expect(errors(item('1', 'delete', 'mobile-port-in', EXAMPLE_PAYLOADS.TERMINATION))).toEqual(['productOrderItem[0].productOffering.id']);
    expect(errors(item('1', 'noChange', 'mobile-subscription', {}))).toEqual(['productOrderItem[0].action']);
    expect(errors(item('1', 'upgrade', 'mobile-subscription', {}))).toEqual(['productOrderItem[0].action']);
    expect(errors({ ...item('a b', 'add', 'mobile-subscription', EXAMPLE_PAYLOADS.SUBSCRIPTION), quantity: 2, itemPrice: [] })).toEqual([
      'productOrderItem[0].itemPrice',
      'productOrderItem[0].id',
      'productOrderItem[0].quantity',
    ]);
    expect(errors({ id: '1', action: 'add', productOffering: { id: 'mobile-subscription' } })).toEqual(['productOrderItem[0].product.productCharacteristic']);
  });

  it('validates the payload with the order type’s contract, naming each characteristic', () => {
    const raw = item('7', 'add', 'mobile-subscription', { ...EXAMPLE_PAYLOADS.SUBSCRIPTION, msisdn: '12345', colour: 'red' });
    const mapped = mapProductOrderItem(raw, 'productOrderItem[3]');
    expect(mapped.ok).toBe(false);
    expect(mapped.ok ? [] : mapped.errors.map((error) => error.field).sort()).toEqual([
      'productOrderItem[3].product.productCharacteristic[colour]',
      'productOrderItem[3].product.productCharacteristic[msisdn]',
    ]);
    const nested = mapProductOrderItem(item('8', 'modify', 'mobile-subscription', { ...EXAMPLE_PAYLOADS.CHANGE, newHolder: { customerId: 'C00022222', name: '' } }), 'x');
    expect(nested.ok ? [] : nested.errors.map((error) => error.field)).toEqual(
      expect.arrayContaining(['x.product.productCharacteristic[newHolder.name]']),
    );
  });

  it('refuses a characteristic given twice', () => {
    const raw = item('1', 'add', 'mobile-subscription', EXAMPLE_PAYLOADS.SUBSCRIPTION);
    raw.product.productCharacteristic.push({ name: 'msisdn', value: '010-0000-0000' });
    const mapped = mapProductOrderItem(raw, 'i');
    expect(mapped.ok ? [] : mapped.errors.map((error) => error.messages[0])).toEqual(['msisdn is given twice']);
  });
});

describe('ProductOrder_Create validation', () => {
  const valid = { externalId: 'shop-1:po-9', priority: '2', productOrderItem: [item('1', 'add', 'mobile-subscription', EXAMPLE_PAYLOADS.SUBSCRIPTION)] };

  it('keeps the product order’s attributes and maps its items', () => {
    const parsed = parseProductOrder(valid, 5);
    expect(parsed).toEqual({ ok: true, order: { externalId: 'shop-1:po-9', fields: { externalId: 'shop-1:po-9', priority: '2' }, items: [expect.objectContaining({ type: 'SUBSCRIPTION' })] } });
  });

  it('names every bad attribute and every bad item at once', () => {
    const parsed = parseProductOrder(
      {
        id: 'mine',
        state: 'completed',
        priority: 'urgent',
        quote: [],
        productOrderItem: [
          item('1', 'add', 'mobile-subscription', EXAMPLE_PAYLOADS.SUBSCRIPTION),
          item('2', 'add', 'mobile-port-in', { ...EXAMPLE_PAYLOADS.MNP, donorOperator: 'XX' }),
          item('1', 'delete', 'mobile-subscription', EXAMPLE_PAYLOADS.TERMINATION),
        ],
      },
      5,
    );
    expect(parsed.ok ? [] : parsed.errors.map((error) => error.field)).toEqual([
      'id',
      'state',
      'priority',
      'quote',
      'productOrderItem[1].product.productCharacteristic[donorOperator]',
      'productOrderItem[2].id',
    ]);
  });

  it('holds 1 to the batch limit of items', () => {
    const many = { productOrderItem: Array.from({ length: 3 }, (_unused, index) => item(String(index), 'add', 'mobile-subscription', EXAMPLE_PAYLOADS.SUBSCRIPTION)) };
    expect(parseProductOrder(many, 2).ok).toBe(false);
    expect(parseProductOrder({ productOrderItem: [] }, 2).ok).toBe(false);
    expect(parseProductOrder(many, 3).ok).toBe(true);
  });
});
