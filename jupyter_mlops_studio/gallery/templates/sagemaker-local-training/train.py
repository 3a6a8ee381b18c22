"""A SageMaker script-mode training script: reads the train channel, writes the model."""
import argparse
import json
import os
from pathlib import Path

import joblib
import pandas as pd
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score

parser = argparse.ArgumentParser()
parser.add_argument("--alpha", type=float, default=1.0)
parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "model"))
parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN", "data"))
args, _ = parser.parse_known_args()

frame = pd.read_csv(Path(args.train) / "train.csv")
X, y = frame.drop(columns="target"), frame["target"]
model = Ridge(alpha=args.alpha).fit(X, y)
score = r2_score(y, model.predict(X))
print(f"alpha={args.alpha} r2={score:.4f}")
Path(args.model_dir).mkdir(parents=True, exist_ok=True)
joblib.dump(model, Path(args.model_dir) / "model.joblib")
output = Path(os.environ.get("SM_OUTPUT_DATA_DIR", "output"))
output.mkdir(parents=True, exist_ok=True)
(output / "metrics.json").write_text(json.dumps({"r2": score}))
