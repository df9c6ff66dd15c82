import { clearChaosRows } from '../support/chaos-table';

export default function clearResults(): void {
  clearChaosRows();
}
