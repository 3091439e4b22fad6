#!/bin/sh
# Makes the cluster's TLS material on first start, into two volumes (see docker-compose.yml):
#   /ca     the CA (ca.crt, ca.key): mounted only into this one-shot `certs` service
#   /certs  node/ (node.crt, node.key, ca.crt) for every node, client/ for the `client` service
# Run again it changes nothing; delete the volumes to start over with a new CA.
# Every node shares one node certificate: peers are checked against the CA, not against host names.
set -eu
ca=${ACTORCLUSTER_CA_DIR:-/ca}
certs=${ACTORCLUSTER_CERTS_DIR:-/certs}
[ -f "$ca/ca.crt" ] || actorcluster certs init --out "$ca"
[ -f "$certs/node/node.crt" ] || actorcluster certs issue --ca "$ca" --name node --dns seed --out "$certs/node"
[ -f "$certs/client/client.crt" ] || actorcluster certs issue --ca "$ca" --name client --out "$certs/client"
