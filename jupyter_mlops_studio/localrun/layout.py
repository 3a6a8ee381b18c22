"""The SageMaker training layout on this machine: an ``/opt/ml`` tree and the toolkit's variables.

What a training container sees (``code``, ``input/config/*.json``, ``input/data/<channel>``,
``model``, ``output/{data,failure}``, ``checkpoints``) is built under a run's own folder, and the
``SM_*`` variables are computed as the sagemaker-training toolkit does (``Environment`` and
``mapping.to_env_vars`` / ``to_cmd_args``): keys upper-cased with an ``SM_`` prefix, strings as
they are, anything else as compact sorted JSON, ``None`` as an empty string.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CURRENT_HOST = "algo-1"
INSTANCE_GROUP = "homogeneousCluster"
INSTANCE_TYPE = "local"
NETWORK_INTERFACE = "eth0"
LOG_LEVEL = 20  # logging.INFO, the toolkit's default
#: what SageMaker writes for each channel of a File-mode training job
CHANNEL_CONFIG = {
    "TrainingInputMode": "File",
    "S3DistributionType": "FullyReplicated",
    "RecordWrapperType": "None",
}

#: the variables ENVIRONMENT_VARIABLES.md of the sagemaker-training toolkit documents
#: (``{channel}`` and ``{hp}`` stand for one variable per channel and per hyperparameter)
DOCUMENTED = (
    "SM_MODEL_DIR",
    "SM_CHANNELS",
    "SM_CHANNEL_{channel}",
    "SM_HPS",
    "SM_HP_{hp}",
    "SM_CURRENT_HOST",
    "SM_HOSTS",
    "SM_NUM_GPUS",
    "SM_NUM_CPUS",
    "SM_LOG_LEVEL",
    "SM_NETWORK_INTERFACE_NAME",
    "SM_USER_ARGS",
    "SM_INPUT_DIR",
    "SM_INPUT_CONFIG_DIR",
    "SM_RESOURCE_CONFIG",
    "SM_INPUT_DATA_CONFIG",
    "SM_TRAINING_ENV",
)


@dataclass(frozen=True)
class OptML:
    """The folders of one ``/opt/ml`` tree rooted at ``base``."""

    base: Path

    @property
    def code(self) -> Path:
        return self.base / "code"

    @property
    def input(self) -> Path:
        return self.base / "input"

    @property
    def input_config(self) -> Path:
        return self.input / "config"

    @property
    def input_data(self) -> Path:
        return self.input / "data"

    @property
    def model(self) -> Path:
        return self.base / "model"

    @property
    def output(self) -> Path:
        return self.base / "output"

    @property
    def output_data(self) -> Path:
        return self.output / "data"

    @property
    def output_intermediate(self) -> Path:
        return self.output / "intermediate"

    @property
    def failure(self) -> Path:
        return self.output / "failure"

    @property
    def checkpoints(self) -> Path:
        return self.base / "checkpoints"

    def channel(self, name: str) -> Path:
        return self.input_data / name

    def create(self) -> OptML:
        for folder in (
            self.code,
            self.input_config,
            self.input_data,
            self.model,
            self.output_data,
            self.output_intermediate,
            self.checkpoints,
        ):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resource_config() -> dict:
    """``resourceconfig.json`` of a one-host job, as SageMaker writes it."""
    return {
        "current_host": CURRENT_HOST,
        "current_instance_type": INSTANCE_TYPE,
        "current_group_name": INSTANCE_GROUP,
        "hosts": [CURRENT_HOST],
        "instance_groups": [
            {
                "instance_group_name": INSTANCE_GROUP,
                "instance_type": INSTANCE_TYPE,
                "hosts": [CURRENT_HOST],
            }
        ],
        "network_interface_name": NETWORK_INTERFACE,
    }


def write_config(tree: OptML, hyperparameters: dict[str, Any], channels: list[str]) -> None:
    """The three files of ``input/config``; hyperparameter values are JSON strings, as the
    SageMaker SDK sends them (the toolkit decodes each with ``json.loads``)."""
    files = {
        "hyperparameters.json": {k: json.dumps(v) for k, v in hyperparameters.items()},
        "resourceconfig.json": resource_config(),
        "inputdataconfig.json": {name: dict(CHANNEL_CONFIG) for name in sorted(channels)},
    }
    for name, content in files.items():
        (tree.input_config / name).write_text(json.dumps(content))


def env_value(value: Any) -> str:
    """``mapping.to_env_vars``'s value format."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def cmd_args(hyperparameters: dict[str, Any]) -> list[str]:
    """``mapping.to_cmd_args``: ``--name value`` by sorted name (``-n`` for one letter), a dict
    as ``k=v,k=v``, ``None`` as an empty string, anything else as ``str()``."""
    args: list[str] = []
    for key in sorted(hyperparameters):
        value = hyperparameters[key]
        args.append(f"--{key}" if len(key) > 1 else f"-{key}")
        if isinstance(value, dict):
            args.append(",".join(f"{k}={x}" for k, x in sorted(value.items())))
        else:
            args.append("" if value is None else str(value))
    return args


def num_gpus() -> int:
    """GPUs ``nvidia-smi --list-gpus`` lists (0 without it), as the toolkit counts them."""
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        out = subprocess.run(
            ["nvidia-smi", "--list-gpus"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in out.splitlines() if line.startswith("GPU "))


def module_name(entry_point: str) -> str:
    return entry_point[:-3] if entry_point.endswith(".py") else entry_point


def training_environment(
    tree: OptML,
    *,
    hyperparameters: dict[str, Any],
    channels: list[str],
    entry_point: str,
    job_name: str,
    cpus: int | None = None,
    gpus: int | None = None,
) -> dict[str, str]:
    """Every ``SM_*`` variable the toolkit sets for a job (``Environment.to_env_vars``), plus
    ``SM_CHECKPOINT_DIR`` (a studio addition: SageMaker syncs ``/opt/ml/checkpoints`` but names
    no variable for it) and the toolkit's own inputs (``SAGEMAKER_BASE_DIR``,
    ``SAGEMAKER_PROGRAM``, ``TRAINING_JOB_NAME``), so that scripts importing
    ``sagemaker_training.environment`` find the same tree."""
    resources = resource_config()
    data_config = {name: dict(CHANNEL_CONFIG) for name in sorted(channels)}
    channel_dirs = {name: str(tree.channel(name)) for name in sorted(channels)}
    user_args = cmd_args(hyperparameters)
    if cpus is None:
        cpus = os.cpu_count() or 1
    if gpus is None:
        gpus = num_gpus()
    groups = {g["instance_group_name"]: g for g in resources["instance_groups"]}
    env: dict[str, Any] = {
        "hosts": resources["hosts"],
        "network_interface_name": NETWORK_INTERFACE,
        "hps": hyperparameters,
        "user_entry_point": entry_point,
        "framework_params": {},
        "resource_config": resources,
        "input_data_config": data_config,
        "output_data_dir": str(tree.output_data),
        "channels": sorted(channels),
        "current_host": CURRENT_HOST,
        "current_instance_type": INSTANCE_TYPE,
        "current_instance_group": INSTANCE_GROUP,
        "current_instance_group_hosts": resources["hosts"],
        "instance_groups": list(groups),
        "instance_groups_dict": groups,
        "distribution_instance_groups": [],
        "is_hetero": False,
        "module_name": module_name(entry_point),
        "log_level": LOG_LEVEL,
        "framework_module": None,
        "input_dir": str(tree.input),
        "input_config_dir": str(tree.input_config),
        "output_dir": str(tree.output),
        "num_cpus": cpus,
        "num_gpus": gpus,
        "model_dir": str(tree.model),
        "module_dir": str(tree.code),
        "user_args": user_args,
        "output_intermediate_dir": str(tree.output_intermediate),
    }
    env["training_env"] = {
        "additional_framework_parameters": {},
        "channel_input_dirs": channel_dirs,
        "current_host": CURRENT_HOST,
        "current_instance_group": INSTANCE_GROUP,
        "current_instance_group_hosts": resources["hosts"],
        "current_instance_type": INSTANCE_TYPE,
        "distribution_hosts": [],
        "distribution_instance_groups": [],
        "framework_module": None,
        "hosts": resources["hosts"],
        "hyperparameters": hyperparameters,
        "input_config_dir": str(tree.input_config),
        "input_data_config": data_config,
        "input_dir": str(tree.input),
        "instance_groups": list(groups),
        "instance_groups_dict": groups,
        "is_hetero": False,
        "is_master": True,
        "is_modelparallel_enabled": None,
        "job_name": job_name,
        "log_level": LOG_LEVEL,
        "master_hostname": CURRENT_HOST,
        "model_dir": str(tree.model),
        "module_dir": str(tree.code),
        "module_name": module_name(entry_point),
        "network_interface_name": NETWORK_INTERFACE,
        "num_cpus": cpus,
        "num_gpus": gpus,
        "output_data_dir": str(tree.output_data),
        "output_dir": str(tree.output),
        "output_intermediate_dir": str(tree.output_intermediate),
        "resource_config": resources,
        "user_entry_point": entry_point,
    }
    for name, path in channel_dirs.items():
        env[f"channel_{name}"] = path
    for key, value in hyperparameters.items():
        env[f"hp_{key}"] = value
    out = {f"SM_{k.upper()}": env_value(v) for k, v in env.items()}
    out["SM_CHECKPOINT_DIR"] = str(tree.checkpoints)
    out["SAGEMAKER_BASE_DIR"] = str(tree.base)
    out["SAGEMAKER_PROGRAM"] = entry_point
    out["TRAINING_JOB_NAME"] = job_name
    return out
