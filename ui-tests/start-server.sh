#!/usr/bin/env bash
# A studio server for the browser tests: fresh root and data dir, two users with passwords.
set -euo pipefail
cd "$(dirname "$0")"
RUN="$PWD/.studio-run"
rm -rf "$RUN" && mkdir -p "$RUN/root" "$RUN/data"
export JUPYTER_CONFIG_DIR="$RUN/config" JUPYTER_RUNTIME_DIR="$RUN/runtime"
common=(--data-dir "$RUN/data")
echo "alice-password" | jupyter studio user add alice --persona data-scientist \
  --display-name "Alice Analyst" --password-stdin "${common[@]}"
echo "bob-password" | jupyter studio user add bob --persona mlops \
  --display-name "Bob Builder" --password-stdin "${common[@]}"
exec jupyter lab --no-browser --allow-root --ip=127.0.0.1 --port=8888 \
  --ServerApp.root_dir="$RUN/root" --StudioApp.data_dir="$RUN/data" \
  --IdentityProvider.token=ui-tests-admin-token \
  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
