import { expectSubmitsToBackend } from '@bss/processor-kit/testing';
import { TerminationOrderHandler } from './termination-order.handler';

describe('TerminationOrderHandler', () => {
  it('submits the order to the backend and returns its outcome', () => expectSubmitsToBackend('TERMINATION', (backend) => new TerminationOrderHandler(backend)));
});
