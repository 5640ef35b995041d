#!/usr/bin/env bash
# Makes a throw-away CA, a hub certificate and a collector client certificate with openssl, for
# trying TLS (docs/operations.md) and for the tests. Not for production keys.
# Usage: scripts/make-test-ca.sh DIR [CLIENT_NAME]
#   DIR/ca.crt ca.key             the CA (--tls-client-ca on the hub, --tls-ca on collectors)
#   DIR/server.crt server.key     the hub (--tls-cert, --tls-key); names localhost, 127.0.0.1
#   DIR/client.crt client.key     a collector; its CN is CLIENT_NAME (default admin)
set -euo pipefail
dir=$1
client=${2:-admin}
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=zenhub test CA" \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
  -extfile server.ext -out server.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$client" -keyout client.key -out client.csr 2>/dev/null
openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out client.crt 2>/dev/null
rm -f server.csr client.csr server.ext
