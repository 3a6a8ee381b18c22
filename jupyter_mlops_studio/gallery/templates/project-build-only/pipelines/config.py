"""Where the project's studio lives and who it acts as (STUDIO_URL, the stored token)."""

import os
from pathlib import Path

PROJECT = "{{ project_name }}"
GROUP = "{{ model_group }}"
MIN_ACCURACY = {{ min_accuracy }}
MAX_ITER = {{ max_iter }}
ROOT = Path(__file__).resolve().parent.parent


def client():
    """A StudioClient as the project's service account: STUDIO_TOKEN, else .studio/token."""
    from jupyter_mlops_studio.client import StudioClient

    token = os.environ.get("STUDIO_TOKEN") or (ROOT / ".studio" / "token").read_text().strip()
    return StudioClient(os.environ["STUDIO_URL"], token)
