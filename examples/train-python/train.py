#!/usr/bin/env python3
"""A training stage that uses moa's retrain-config manifest as it is.

    python3 train.py MANIFEST_URI MODEL_OUT

Reads the manifest, and, when the action is `retrain` or `reweight`, trains on exactly the rows of the selection
file (`data.weights`): each row names its source object (`uri`) and its row number in that object (`row`), and
carries its label and weight, so operational rows whose labels arrived late through the label feed need no join.
Features are `data.features`, read from the source objects. The model (scikit-learn, fitted with the per-row
weights) is pickled to MODEL_OUT; a JSON line with what was trained on goes to stdout.

Needs pandas, pyarrow (for Parquet) and scikit-learn; s3fs for s3:// URIs (credentials and endpoint from the
standard AWS variables, e.g. AWS_ENDPOINT_URL_S3 for MinIO or SeaweedFS).
"""
import io
import json
import pickle
import sys

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def read_bytes(uri: str) -> bytes:
    if uri.startswith("s3://"):
        import s3fs  # only needed for S3

        with s3fs.S3FileSystem().open(uri[len("s3://"):], "rb") as f:
            return f.read()
    path = uri[len("file://"):] if uri.startswith("file://") else uri
    with open(path, "rb") as f:
        return f.read()


def read_table(uri: str) -> pd.DataFrame:
    """One object, by its extension: the formats moa reads."""
    data = io.BytesIO(read_bytes(uri))
    name = uri.lower()
    compression = "gzip" if name.endswith(".gz") else None
    name = name[:-3] if name.endswith(".gz") else name
    if name.endswith(".parquet"):
        return pd.read_parquet(data)
    if name.endswith(".csv") or name.endswith(".tsv"):
        return pd.read_csv(data, sep="\t" if name.endswith(".tsv") else ",", compression=compression)
    if name.endswith(".jsonl") or name.endswith(".ndjson"):
        return pd.read_json(data, lines=True, compression=compression)
    if name.endswith((".arrow", ".feather")):
        return pd.read_feather(data)
    raise SystemExit(f"unknown format: {uri}")


def read_selection(uri: str) -> pd.DataFrame:
    """The selection file: source, uri, row, id, label, weight (labels as text for classification)."""
    if uri.endswith(".csv"):
        return pd.read_csv(io.BytesIO(read_bytes(uri)), dtype={"id": str, "uri": str, "source": str}, keep_default_na=False, na_values=[""])
    return pd.read_parquet(io.BytesIO(read_bytes(uri)))


def training_rows(manifest: dict) -> pd.DataFrame:
    """The selected rows: features from their source objects, label and weight from the selection file."""
    selection = read_selection(manifest["data"]["weights"]["uri"])
    features = manifest["data"]["features"]
    frames = []
    for uri, rows in selection.groupby("uri", sort=False):
        source = read_table(uri)
        picked = source.iloc[rows["row"].to_numpy()][features].reset_index(drop=True)
        picked["_label"] = rows["label"].to_numpy()
        picked["_weight"] = rows["weight"].to_numpy()
        picked["_id"] = rows["id"].to_numpy()
        frames.append(picked)
    return pd.concat(frames, ignore_index=True)


def main(manifest_uri: str, model_out: str) -> None:
    manifest = json.loads(read_bytes(manifest_uri))
    action = manifest["decision"]["action"]
    if action not in ("retrain", "reweight") or manifest["data"]["weights"] is None:
        print(json.dumps({"action": action, "trained": False}))
        return
    train = training_rows(manifest)
    features = manifest["data"]["features"]
    categorical = [c for c in features if train[c].dtype == object or str(train[c].dtype) in ("category", "bool")]
    numeric = [c for c in features if c not in categorical]
    encode = ColumnTransformer([
        ("numeric", StandardScaler(), numeric),
        ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
    ])
    task = manifest["training"]["task"]
    estimator = LogisticRegression(max_iter=1000) if task == "classification" else Ridge()
    model = make_pipeline(encode, estimator)
    x = train[features].copy()
    x[numeric] = x[numeric].fillna(0.0)
    x[categorical] = x[categorical].astype(str)
    y = train["_label"].astype(str) if task == "classification" else train["_label"].astype(float)
    model.fit(x, y, **{f"{model.steps[-1][0]}__sample_weight": train["_weight"].to_numpy()})
    with open(model_out, "wb") as f:
        pickle.dump({"model": model, "features": features, "run": manifest["metadata"]["runId"]}, f)
    summary = {
        "action": action,
        "trained": True,
        "rows": int(len(train)),
        "weight_sum": float(train["_weight"].sum()),
        "by_source": {k: int(v) for k, v in read_selection(manifest["data"]["weights"]["uri"])["source"].value_counts().items()},
        "distinct_ids": int(train["_id"].nunique()),
        "classes": sorted(map(str, set(y))) if task == "classification" else None,
        "training_accuracy" if task == "classification" else "training_r2": float(model.score(x, y, sample_weight=train["_weight"].to_numpy())),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
