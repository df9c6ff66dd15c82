#!/usr/bin/env bash
# Stops the port-forwards minikube-up.sh started (by the PIDs it recorded) and removes the system
# from the cluster. Pass --delete-cluster to delete the Minikube cluster as well.
set -euo pipefail

cd "$(dirname "$0")/../.."

readonly PIDS_FILE=tmp/minikube-port-forwards.pids

if [[ -f "$PIDS_FILE" ]]; then
  while read -r pid; do
    kill "$pid" 2>/dev/null || true
  done < "$PIDS_FILE"
  rm -f "$PIDS_FILE"
fi

kubectl delete -k deploy/overlays/minikube --ignore-not-found

if [[ "${1:-}" == "--delete-cluster" ]]; then
  minikube delete
fi
