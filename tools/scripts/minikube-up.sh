#!/usr/bin/env bash
# Brings the whole system up on Minikube, the way the seed guide did, but working: a cluster with
# the seed's flags, the ingress, metrics-server and dashboard addons, KEDA, the images built inside
# Minikube's Docker, generated credentials, the minikube overlay, and rollouts waited for.
# Usage: tools/scripts/minikube-up.sh   (or: npx nx run deploy:minikube)
set -euo pipefail

cd "$(dirname "$0")/../.."

readonly NAMESPACE=bss-queue-system
readonly KEDA_VERSION=2.16.1
readonly SECRETS=deploy/base/secrets.env
readonly PIDS_FILE=tmp/minikube-port-forwards.pids

need() {
  command -v "$1" >/dev/null || { echo "missing: $1 ($2)" >&2; exit 1; }
}
need minikube "https://minikube.sigs.k8s.io/docs/start/"
need kubectl "https://kubernetes.io/docs/tasks/tools/"
need docker "Minikube's docker driver"
need npx "Node.js 20"

if ! minikube status >/dev/null 2>&1; then
  minikube start --memory=6144 --cpus=3 --driver=docker --kubernetes-version=v1.33.0
fi
for addon in ingress metrics-server dashboard; do
  minikube addons enable "$addon"
done

if ! kubectl get namespace keda >/dev/null 2>&1; then
  kubectl apply --server-side -f "https://github.com/kedacore/keda/releases/download/v${KEDA_VERSION}/keda-${KEDA_VERSION}.yaml"
fi
kubectl -n keda rollout status deployment/keda-operator --timeout=300s

random_password() {
  head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24
}

if [[ ! -f "$SECRETS" ]]; then
  admin=$(random_password)
  keda=$(random_password)
  ops_console=$(random_password)
  postgres=$(random_password)
  sed -e "s#bss-admin:CHANGE_ME#bss-admin:${admin}#" \
      -e "s#RABBITMQ_ADMIN_PASSWORD=CHANGE_ME#RABBITMQ_ADMIN_PASSWORD=${admin}#" \
      -e "s#keda:CHANGE_ME#keda:${keda}#" \
      -e "s#ops-console:CHANGE_ME#ops-console:${ops_console}#g" \
      -e "s#ops_console:CHANGE_ME#ops_console:${postgres}#g" \
      -e "s#POSTGRES_PASSWORD=CHANGE_ME#POSTGRES_PASSWORD=${postgres}#" \
      -e "s#API_KEYS=CHANGE_ME_TO_A_KEY_OF_32_CHARACTERS#API_KEYS=$(random_password)$(random_password)#" \
      -e "s#OPS_VIEWER_TOKENS=CHANGE_ME_TO_A_TOKEN_OF_32_CHARACTERS#OPS_VIEWER_TOKENS=$(random_password)$(random_password)#" \
      -e "s#OPS_OPERATOR_TOKENS=CHANGE_ME_TO_A_TOKEN_OF_32_CHARACTERS#OPS_OPERATOR_TOKENS=$(random_password)$(random_password)#" \
      deploy/base/secrets.env.example > "$SECRETS.tmp"
  while grep -q 'CHANGE_ME' "$SECRETS.tmp"; do
    sed -i "0,/CHANGE_ME/s//$(random_password)/" "$SECRETS.tmp"
  done
  mv "$SECRETS.tmp" "$SECRETS"
  chmod 600 "$SECRETS"
  echo "generated $SECRETS (untracked)"
fi

# Images are built into Minikube's own Docker, so the cluster never pulls them.
eval "$(minikube docker-env)"
NX_DAEMON=false npx nx run-many -t docker-build

kubectl apply -k deploy/overlays/minikube
kubectl -n "$NAMESPACE" rollout status statefulset/rabbitmq --timeout=300s
kubectl -n "$NAMESPACE" rollout status statefulset/postgres --timeout=300s
kubectl -n "$NAMESPACE" wait --for=condition=complete job/rabbitmq-users job/bss-topology --timeout=300s
for deployment in bss-backend redis bss-producer subscription-processor mnp-processor ops-console order-tracker; do
  kubectl -n "$NAMESPACE" rollout status "deployment/$deployment" --timeout=300s
done

mkdir -p tmp
kubectl -n "$NAMESPACE" port-forward service/rabbitmq 15672:15672 >/dev/null 2>&1 &
echo $! > "$PIDS_FILE"
kubectl -n "$NAMESPACE" port-forward service/bss-producer-service 8000:8000 >/dev/null 2>&1 &
echo $! >> "$PIDS_FILE"

api_key=$(grep '^API_KEYS=' "$SECRETS" | cut -d= -f2 | cut -d, -f1)
operator_token=$(grep '^OPS_OPERATOR_TOKENS=' "$SECRETS" | cut -d= -f2 | cut -d, -f1)
cat <<INFO

All pods are running in namespace $NAMESPACE.
  Producer API:  http://localhost:8000/docs   (NodePort: http://$(minikube ip):30800)
  RabbitMQ UI:   http://localhost:15672       (user bss-admin, password in $SECRETS)
  API key:       $api_key
  Ops console:   http://$(minikube ip):30885  (operator token: $operator_token; viewer tokens in $SECRETS)
  Port-forward PIDs (stopped by minikube-down.sh): $(tr '\n' ' ' < "$PIDS_FILE")

  curl -s -X POST localhost:8000/api/v1/orders -H 'content-type: application/json' -H "x-api-key: $api_key" \\
    -d '{"type":"MNP","payload":{"customerId":"C00054321","msisdn":"010-9876-5432","donorOperator":"KT","recipientOperator":"SKT","planCode":"LTE_DATA_33"}}'
  kubectl -n $NAMESPACE get pods,scaledobjects,hpa
INFO
