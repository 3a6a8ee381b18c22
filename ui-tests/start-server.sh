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
exec jupyter lab --no-browser --allow-root --ip=127.0.0.1 --port="$PORT" --ServerApp.port_retries=0 \
  --ServerApp.root_dir="$RUN/root" --StudioApp.data_dir="$RUN/data" \
  --IdentityProvider.token=ui-tests-admin-token \
  --LabApp.app_settings_dir="$RUN/settings" --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
