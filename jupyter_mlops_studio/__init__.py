"""jupyter-mlops-studio: a self-hosted, SageMaker-Studio-like ML workspace for JupyterLab."""

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0+unknown"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyter-mlops-studio"}]


def _jupyter_server_extension_points():
    from .app import StudioApp

    return [{"module": "jupyter_mlops_studio", "app": StudioApp}]
