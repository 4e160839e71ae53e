#!/usr/bin/env bash
# Installs the Debian packages the test suite starts as real servers or tools: InfluxDB 1.6, mosquitto,
# socat, poppler-utils (PDF checks), redis-server, chromium (dashboard tests) and fonts-dejavu-core
# (the PDF report font).
# Run as root (or through sudo). The tests start their own instances on 127.0.0.1 and free ports.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends influxdb mosquitto socat poppler-utils redis-server chromium fonts-dejavu-core >/dev/null
