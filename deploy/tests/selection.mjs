/** Label selection and NetworkPolicy admission as the API server and a CNI evaluate them, for the subset we use. */

export function selects(selector, labels = {}) {
  const byLabel = Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector?.matchExpressions ?? []).every(({ key, operator, values }) => {
    if (operator === 'In') return values.includes(labels[key]);
    if (operator === 'NotIn') return !values.includes(labels[key]);
    if (operator === 'Exists') return key in labels;
    if (operator === 'DoesNotExist') return !(key in labels);
    throw new Error(`unknown operator ${operator}`);
  });
  return byLabel && byExpression;
}

export const podsOf = (objects) =>
  objects.filter((object) => ['Deployment', 'StatefulSet'].includes(object.kind)).map((workload) => ({ name: workload.metadata.name, ...workload.spec.template }));

function portMatches(policyPort, container) {
  if (typeof policyPort === 'number') return container.port === policyPort;
  return container.name === policyPort;
}

/**
 * Whether some ingress policy of the namespace lets a source reach `target` on `port`
 * ({ port, name } of the target's container port). The source is either a pod's labels in the
 * same namespace or a namespace's labels (a peer in another namespace; our policies never narrow
 * such a peer by pod).
 *
 * @param {any[]} objects
 * @param {{ fromPod?: Record<string, string>, fromNamespace?: Record<string, string> }} source
 * @param {Record<string, string>} target
 * @param {{ port: number, name?: string }} port
 */
export function admits(objects, { fromPod, fromNamespace }, target, port) {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy' && selects(object.spec.podSelector, target));
  return policies.some((policy) =>
    (policy.spec.ingress ?? []).some((rule) => {
      const peerOk =
        !rule.from ||
        rule.from.some((peer) =>
          peer.namespaceSelector ? fromNamespace !== undefined && selects(peer.namespaceSelector, fromNamespace) : fromPod !== undefined && selects(peer.podSelector, fromPod),
        );
      const portOk = !rule.ports || rule.ports.some((allowed) => portMatches(allowed.port, port));
      return peerOk && portOk;
    }),
  );
}
