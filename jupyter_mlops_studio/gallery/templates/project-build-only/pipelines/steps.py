"""The steps of the build pipeline: load data, train, evaluate (no studio needed, so tested)."""

from pathlib import Path

import joblib
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split


def load_data(seed: int = 0):
    X, y = load_iris(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=seed, stratify=y)


def train(X_train, y_train, max_iter: int):
    return LogisticRegression(max_iter=max_iter).fit(X_train, y_train)


def evaluate(model, X_test, y_test) -> dict[str, float]:
    return {"accuracy": float(model.score(X_test, y_test))}


def save(model, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, folder / "model.joblib")
    return folder
