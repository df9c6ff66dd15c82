import { expectSubmitsToBackend } from '@bss/processor-kit/testing';
import { ChangeOrderHandler } from './change-order.handler';

describe('ChangeOrderHandler', () => {
  it('submits the order to the backend and returns its outcome', () => expectSubmitsToBackend('CHANGE', (backend) => new ChangeOrderHandler(backend)));
});
