import { IntakeSnapshot } from '../intake/intake-metrics';
import { seedQueueSettings } from './seed-queue';

export interface SeedSystemFacts {
  readonly monitoring: boolean;
  readonly brokerConnected: boolean;
  readonly queueSettings: ReturnType<typeof seedQueueSettings>;
}

/**
 * The seed's `/api/stats` (no envelope): this process's intake since it started. A request is an order
 * that reached intake: accepted (confirmed by the broker), or not (invalid, refused, outcome unknown).
 */
export function seedStatistics(snapshot: IntakeSnapshot, system: SeedSystemFacts) {
  const failed = Object.values(snapshot.failures).reduce((sum, count) => sum + count, 0);
  const total = snapshot.totalAccepted + failed;
  return {
    기본통계: {
      총요청수: total,
      성공요청수: snapshot.totalAccepted,
      실패요청수: failed,
      성공률: percentText(snapshot.totalAccepted, total),
      실패사유별: snapshot.failures,
    },
    타입별통계: snapshot.acceptedByType,
    시스템정보: {
      시작시간: snapshot.startedAt,
      모니터링상태: system.monitoring,
      큐설정: system.queueSettings,
      브로커연결됨: system.brokerConnected,
    },
  };
}

/** The seed's `"N.NN%"`; with no request yet there is no rate to speak of, and the seed said 0.00%. */
function percentText(part: number, whole: number): string {
  return `${(whole === 0 ? 0 : (part / whole) * 100).toFixed(2)}%`;
}
