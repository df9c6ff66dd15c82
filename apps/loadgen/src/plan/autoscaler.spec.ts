import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AutoscalerRules, DEPLOYED_AUTOSCALER, ReplicaController } from './autoscaler';

const rules: AutoscalerRules = { ...DEPLOYED_AUTOSCALER, maxReplicas: 3, queueLengthTarget: 200, activationQueueLength: 10 };

function run(controller: ReplicaController, depthAt: (second: number) => number, seconds: number): number[] {
  return Array.from({ length: seconds }, (_, second) => controller.step(second, depthAt(second)));
}

describe('ReplicaController', () => {
  it('scales up on the HPA sync, up to the maximum, and the pods consume once started', () => {
    const replicas = run(new ReplicaController(rules), () => 1000, 30);
    // Asked for at second 0 (desired ceil(1000 / 200) = 5, capped at 3), consuming at 10.
    expect(replicas[9]).toBe(1);
    expect(replicas[10]).toBe(3);
    expect(Math.max(...replicas)).toBe(3);
  });

  it('does not move while the depth per replica is within the tolerance of the target', () => {
    expect(run(new ReplicaController({ ...rules, maxReplicas: 10 }), () => 210, 60)[59]).toBe(1);
    expect(run(new ReplicaController({ ...rules, minReplicas: 2, maxReplicas: 10 }), () => 420, 60)[59]).toBe(2);
    expect(run(new ReplicaController({ ...rules, maxReplicas: 10 }), () => 230, 60)[59]).toBe(2);
  });

  it('scales down only after the stabilization window, one pod per minute', () => {
    const controller = new ReplicaController(rules);
    const replicas = run(controller, (second) => (second < 15 ? 1000 : 0), 400);
    expect(replicas[100]).toBe(3);
    // Recommendations of 3 fall out of the window 120 s after the last one (second 0): down to 2 at 120, to 1 a minute later.
    expect(replicas[120]).toBe(2);
    expect(replicas[179]).toBe(2);
    expect(replicas[180]).toBe(1);
    expect(replicas[399]).toBe(1);
  });

  it('with a minimum of zero, activates above the activation depth and goes back to zero after the cooldown', () => {
    const controller = new ReplicaController({ ...rules, minReplicas: 0 });
    const replicas = run(controller, (second) => (second >= 20 && second < 40 ? 50 : 0), 300);
    expect(replicas[19]).toBe(0);
    expect(replicas[29]).toBe(0);
    expect(replicas[30]).toBe(1);
    expect(replicas[159]).toBe(1);
    expect(replicas[299]).toBe(0);
  });
});

describe('DEPLOYED_AUTOSCALER', () => {
  it('is what deploy:render writes into every ScaledObject', () => {
    const rendered = readFileSync(join(__dirname, '../../../../deploy/components/keda/scaled-objects.yaml'), 'utf8');
    const scaledObjects = parseAllDocuments(rendered).map((document) => document.toJS());
    expect(scaledObjects.length).toBeGreaterThan(0);
    for (const { spec } of scaledObjects) {
      const { scaleDown } = spec.advanced.horizontalPodAutoscalerConfig.behavior;
      expect({
        minReplicas: spec.minReplicaCount,
        pollingIntervalSec: spec.pollingInterval,
        cooldownSec: spec.cooldownPeriod,
        scaleDownStabilizationSec: scaleDown.stabilizationWindowSeconds,
        scaleDownPods: scaleDown.policies[0].value,
        scaleDownPeriodSec: scaleDown.policies[0].periodSeconds,
      }).toEqual({
        minReplicas: DEPLOYED_AUTOSCALER.minReplicas,
        pollingIntervalSec: DEPLOYED_AUTOSCALER.pollingIntervalSec,
        cooldownSec: DEPLOYED_AUTOSCALER.cooldownSec,
        scaleDownStabilizationSec: DEPLOYED_AUTOSCALER.scaleDownStabilizationSec,
        scaleDownPods: DEPLOYED_AUTOSCALER.scaleDownPods,
        scaleDownPeriodSec: DEPLOYED_AUTOSCALER.scaleDownPeriodSec,
      });
      expect(spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleUp).toBeUndefined();
    }
  });
});
