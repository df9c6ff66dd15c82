/**
 * The autoscaler's rules as deployed (deploy/components/keda/scaled-objects.yaml, rendered by
 * deploy:render): KEDA feeds the queue's depth to an HPA as an AverageValue metric; the HPA acts on
 * its sync period within its scale-up policy and scale-down stabilization; a new pod consumes once
 * it has started.
 */
export interface AutoscalerRules {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** KEDA's QueueLength: the depth one replica is meant to carry. */
  readonly queueLengthTarget: number;
  /** KEDA's activationValue: at or below it a type scaled to zero stays at zero. */
  readonly activationQueueLength: number;
  /** KEDA's pollingInterval: how often the depth is read (and activation decided). */
  readonly pollingIntervalSec: number;
  /** KEDA's cooldownPeriod: how long a type at or below activation waits before going to zero. */
  readonly cooldownSec: number;
  /** The HPA controller's sync period (kube-controller-manager's default: 15 s). */
  readonly hpaSyncPeriodSec: number;
  /** The HPA's tolerance: no change while desired/current is within it of 1 (default 0.1). */
  readonly tolerance: number;
  /** Scale-up policy: at most this many pods more, or this share more, per period (Kubernetes' default: 4 pods or 100 % per 15 s, the larger). */
  readonly scaleUpPods: number;
  readonly scaleUpPercent: number;
  readonly scaleUpPeriodSec: number;
  readonly scaleDownStabilizationSec: number;
  /** Scale-down policy: at most this many pods fewer per period. */
  readonly scaleDownPods: number;
  readonly scaleDownPeriodSec: number;
  /** From the HPA's decision to the new pod consuming. */
  readonly podStartSec: number;
}

/** The rules deploy:render writes, with Kubernetes' defaults for what it leaves out. */
export const DEPLOYED_AUTOSCALER: Omit<AutoscalerRules, 'maxReplicas' | 'queueLengthTarget' | 'activationQueueLength'> = {
  minReplicas: 1,
  pollingIntervalSec: 5,
  cooldownSec: 120,
  hpaSyncPeriodSec: 15,
  tolerance: 0.1,
  scaleUpPods: 4,
  scaleUpPercent: 100,
  scaleUpPeriodSec: 15,
  scaleDownStabilizationSec: 120,
  scaleDownPods: 1,
  scaleDownPeriodSec: 60,
  podStartSec: 10,
};

interface Scaling {
  readonly atSec: number;
  readonly from: number;
  readonly to: number;
}

/**
 * Replicas of one type over time, second by second. KEDA reads the depth every polling interval and
 * itself takes a type from zero to one replica (and back after its cooldown); above one the HPA
 * decides on its sync period from the last depth read, within the policies. A pod asked for
 * consumes `podStartSec` later; a pod removed stops at once.
 */
export class ReplicaController {
  private spec: number;
  private ready: number;
  private lastDepth = 0;
  private idleSinceSec?: number;
  private readonly recommendations: { atSec: number; replicas: number }[] = [];
  private readonly changes: Scaling[] = [];
  private readonly starting: { readyAtSec: number; count: number }[] = [];

  constructor(private readonly rules: AutoscalerRules) {
    this.spec = rules.minReplicas;
    this.ready = rules.minReplicas;
  }

  /** Advances to second `atSec` with the depth the queue has then; returns the replicas consuming. */
  step(atSec: number, depth: number): number {
    const { rules } = this;
    for (const pod of this.starting.filter((entry) => entry.readyAtSec <= atSec)) {
      this.ready += pod.count;
      this.starting.splice(this.starting.indexOf(pod), 1);
    }
    if (atSec % rules.pollingIntervalSec === 0) this.poll(atSec, depth);
    if (atSec % rules.hpaSyncPeriodSec === 0 && this.spec > 0) this.sync(atSec);
    return this.ready;
  }

  private poll(atSec: number, depth: number): void {
    const { rules } = this;
    this.lastDepth = depth;
    const active = depth > rules.activationQueueLength;
    if (active) this.idleSinceSec = undefined;
    else this.idleSinceSec ??= atSec;
    if (rules.minReplicas > 0) return;
    if (this.spec === 0 && active) this.scaleTo(atSec, 1);
    else if (this.spec > 0 && !active && atSec - (this.idleSinceSec ?? atSec) >= rules.cooldownSec) this.scaleTo(atSec, 0);
  }

  /**
   * What the HPA asks for from the last depth read (an AverageValue metric): nothing new while the
   * depth per replica is within the tolerance of the target, else one replica per target's worth.
   */
  private desired(): number {
    const { rules } = this;
    const usageRatio = this.lastDepth / (this.spec * rules.queueLengthTarget);
    if (Math.abs(usageRatio - 1) <= rules.tolerance) return this.spec;
    return Math.min(rules.maxReplicas, Math.max(1, rules.minReplicas, Math.ceil(this.lastDepth / rules.queueLengthTarget)));
  }

  private changedWithin(atSec: number, periodSec: number, direction: 1 | -1): number {
    return this.changes
      .filter((change) => change.atSec > atSec - periodSec && Math.sign(change.to - change.from) === direction)
      .reduce((sum, change) => sum + Math.abs(change.to - change.from), 0);
  }

  private sync(atSec: number): void {
    const { rules } = this;
    const desired = this.desired();
    this.recommendations.push({ atSec, replicas: desired });
    while (this.recommendations[0].atSec <= atSec - rules.scaleDownStabilizationSec) this.recommendations.shift();
    if (desired > this.spec) {
      const base = this.spec - this.changedWithin(atSec, rules.scaleUpPeriodSec, 1);
      const limit = Math.max(base + rules.scaleUpPods, Math.ceil(base * (1 + rules.scaleUpPercent / 100)));
      this.scaleTo(atSec, Math.min(desired, Math.max(this.spec, limit)));
    } else if (desired < this.spec) {
      const stabilized = Math.max(...this.recommendations.map((entry) => entry.replicas));
      const allowed = Math.max(0, rules.scaleDownPods - this.changedWithin(atSec, rules.scaleDownPeriodSec, -1));
      this.scaleTo(atSec, Math.min(this.spec, Math.max(stabilized, this.spec - allowed)));
    }
  }

  private scaleTo(atSec: number, replicas: number): void {
    if (replicas === this.spec) return;
    this.changes.push({ atSec, from: this.spec, to: replicas });
    if (replicas > this.spec) this.starting.push({ readyAtSec: atSec + this.rules.podStartSec, count: replicas - this.spec });
    else this.removePods(this.spec - replicas);
    this.spec = replicas;
  }

  /** Pods still starting go first; then ready ones. */
  private removePods(count: number): void {
    let left = count;
    while (left > 0 && this.starting.length > 0) {
      const last = this.starting[this.starting.length - 1];
      const taken = Math.min(left, last.count);
      last.count -= taken;
      left -= taken;
      if (last.count === 0) this.starting.pop();
    }
    this.ready -= left;
  }
}
