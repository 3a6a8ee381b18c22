#!/usr/bin/env bash
# A studio server for the browser tests: fresh root and data dir, two users with passwords.
# It listens on 127.0.0.1:$STUDIO_UI_PORT (8888 by default); each port gets its own run directory
# (.studio-run/<port>), so that servers on different ports do not remove each other's state.
set -euo pipefail
cd "$(dirname "$0")"
PORT="${STUDIO_UI_PORT:-8888}"
RUN="$PWD/.studio-run/$PORT"
rm -rf "$RUN" && mkdir -p "$RUN/root" "$RUN/data"
export JUPYTER_CONFIG_DIR="$RUN/config" JUPYTER_RUNTIME_DIR="$RUN/runtime"
# Settings defaults of this server only: no "get notified about official Jupyter news?" toast
# over the buttons and the screenshots.
mkdir -p "$RUN/settings"
echo '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}' \
  >"$RUN/settings/overrides.json"
common=(--data-dir "$RUN/data")
echo "alice-password" | jupyter studio user add alice --persona data-scientist \
  --display-name "Alice Analyst" --password-stdin "${common[@]}"
echo "bob-password" | jupyter studio user add bob --persona mlops \
  --display-name "Bob Builder" --password-stdin "${common[@]}"
# Image builds run on CodeBuild/ECR/S3 served by moto on a free local port, with dummy AWS keys;
# moto's CodeBuild reports a build SUCCEEDED on its second status poll.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing \
  AWS_SECURITY_TOKEN=testing AWS_DEFAULT_REGION=us-east-1
MOTO_PORT="$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
MOTO_URL="http://127.0.0.1:$MOTO_PORT"
BUILD_BUCKET=studio-ui-image-builds
python -m moto.server -H 127.0.0.1 -p "$MOTO_PORT" >"$RUN/moto.log" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true' EXIT
python - "$MOTO_URL" "$BUILD_BUCKET" <<'PY'
import sys, time, urllib.request
url, bucket = sys.argv[1], sys.argv[2]
for _ in range(100):
    try:
        urllib.request.urlopen(urllib.request.Request(f"{url}/{bucket}", method="PUT"), timeout=2)
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit(f"moto_server did not answer at {url}")
PY
jupyter lab --no-browser --allow-root --ip=127.0.0.1 --port="$PORT" --ServerApp.port_retries=0 \
  --ServerApp.root_dir="$RUN/root" --StudioApp.data_dir="$RUN/data" \
  --IdentityProvider.token=ui-tests-admin-token \
  --LabApp.app_settings_dir="$RUN/settings" --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
  --CodeBuildBackend.endpoint_url="$MOTO_URL" --CodeBuildBackend.bucket="$BUILD_BUCKET" \
  --CodeBuildBackend.role=arn:aws:iam::123456789012:role/studio-build \
  --CodeBuildBackend.poll_interval=0.5 &
LAB_PID=$!
# Stop the server on TERM/INT, then moto on exit (the EXIT trap).
trap 'kill "$LAB_PID" 2>/dev/null || true' TERM INT
status=0
wait "$LAB_PID" || status=$?
if [ "$status" -gt 128 ]; then
  wait "$LAB_PID" 2>/dev/null || true
fi
exit "$status"
