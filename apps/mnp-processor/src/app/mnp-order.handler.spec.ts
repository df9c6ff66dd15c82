import { expectSubmitsToBackend } from '@bss/processor-kit/testing';
import { MnpOrderHandler } from './mnp-order.handler';

describe('MnpOrderHandler', () => {
  it('submits the order to the backend and returns its outcome', () => expectSubmitsToBackend('MNP', (backend) => new MnpOrderHandler(backend)));
});
