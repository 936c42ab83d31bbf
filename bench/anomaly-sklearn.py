# scikit-learn baseline for bench/anomaly.bench.ts: same shape of data and parameters.
# Usage: python3 anomaly-sklearn.py <train rows> <score rows> <features>; prints one JSON line.
import json, sys, time
import numpy as np
from sklearn import __version__
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

train_rows, score_rows, features = map(int, sys.argv[1:4])
rng = np.random.default_rng(7)
train = rng.standard_normal((train_rows, features))
data = rng.standard_normal((score_rows, features))
labels = np.zeros(score_rows)
planted = rng.choice(score_rows, score_rows // 100, replace=False)
data[planted] += rng.choice([-6.0, 6.0], size=(len(planted), features)) * (rng.random((len(planted), features)) < 0.5)
labels[planted] = 1
fits = []
for _ in range(5):
    start = time.perf_counter()
    model = IsolationForest(n_estimators=100, max_samples=256, random_state=1, n_jobs=1).fit(train)
    fits.append(time.perf_counter() - start)
start = time.perf_counter()
scores = -model.score_samples(data)
elapsed = time.perf_counter() - start
print(json.dumps({"version": __version__, "fitMs": sorted(fits)[2] * 1000, "rowsPerSecond": score_rows / elapsed, "auc": roc_auc_score(labels, scores)}))
