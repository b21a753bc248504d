#!/usr/bin/env bash
# Regenerate the reference runs and the committed result tables in experiments/results/.
#
#   bash experiments/make_results.sh              # scikit-learn baselines (~3 min on 2 CPU cores)
#   bash experiments/make_results.sh --transformer # also the transformer runs (~60 min on 2 idle CPU cores)
#
# Reference runs go to experiments/reference/<name>/ and are slimmed for committing
# (framing.runs.slim_reference: metrics.json, config.yaml, .hydra/overrides.yaml, the
# confusion matrix and one compact predictions.jsonl.gz per run; model/ folders are
# git-ignored). Tables are written by `framing compare`, so
# `framing compare experiments/reference/<name>` shows the same. Runs are picked by their
# config (select_runs), never by sweep job number.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
REF=experiments/reference
OUT=experiments/results

run_sweep() {  # name, then framing-run arguments
  local name=$1; shift
  rm -rf "$REF/$name"
  "$BIN/framing-run" "$@" hydra.sweep.dir="$REF/$name"
}

best_run() {  # the run folder with the highest headline score among the arguments
  "$BIN/python" -c 'import json, sys
runs = sys.argv[1:]
print(max(runs, key=lambda r: json.load(open(f"{r}/metrics.json"))["headline"]["value"]))' "$@"
}

select_runs() {  # folder, then KEY=V1,V2,…: its runs whose config KEY is V1, V2, … in that order
  "$BIN/python" -c 'import sys
from framing.runs import load_runs
folder, spec = sys.argv[1:]
key, _, values = spec.partition("=")
runs = load_runs([folder])
for value in values.split(","):
    found = [r.path for r in runs if str(r.lookup(key)) == value]
    if len(found) != 1:
        sys.exit(f"{folder}: {len(found)} runs with {key}={value}, expected one")
    print(found[0])' "$@"
}

run_single() {  # name, then framing-run arguments
  local name=$1; shift
  rm -rf "$REF/$name"
  "$BIN/framing-run" "$@" hydra.run.dir="$REF/$name"
}

run_sweep stance_baselines experiment=stance_baselines
run_sweep framing_baselines experiment=framing_baselines

run_sweep stance_heldout -m model=tfidf_logreg,tfidf_svm,embedding_logreg split=heldout task=stance

if [[ "${1:-}" == "--transformer" ]]; then
  # the fixed held-out split: one fine-tuning each (~4 min each on 2 idle CPU cores)
  run_single stance_transformer_heldout_pair model=transformer task=stance split=heldout
  run_single stance_transformer_heldout_markers model=transformer task=stance split=heldout \
    model.input_format=markers save_model=false
  run_single stance_transformer_heldout_mean model=transformer task=stance split=heldout \
    model.pooling=mean save_model=false
  # 5-fold grouped CV (~25 and ~20 min on 2 idle CPU cores)
  run_single stance_transformer experiment=stance_transformer
  run_single framing_transformer experiment=framing_transformer
fi

# commit-ready: compact predictions, no machine paths (reference folders that exist)
"$BIN/python" -c 'import sys
from framing.runs import slim_reference
slim_reference(sys.argv[1:])' "$REF"/*/

for name in stance_baselines framing_baselines; do
  "$BIN/framing" compare "$REF/$name" --format markdown --output "$OUT/$name.md"
  "$BIN/framing" compare "$REF/$name" --format csv --output "$OUT/$name.csv"
done
heldout=("$REF"/stance_heldout "$REF"/stance_transformer_heldout_*)
"$BIN/framing" compare "${heldout[@]}" --format markdown --output "$OUT/stance_heldout.md"
"$BIN/framing" compare "${heldout[@]}" --format csv --output "$OUT/stance_heldout.csv"
if [[ -f "$REF/stance_transformer_heldout_pair/metrics.json" ]]; then
  "$BIN/framing" compare "$(best_run $(select_runs "$REF"/stance_heldout model.name=tfidf_logreg,tfidf_svm,embedding_logreg))" "$REF/stance_transformer_heldout_pair" --test --mcnemar \
    --format markdown --output "$OUT/stance_heldout_tfidf_vs_transformer.md"
  "$BIN/framing" compare "$REF/stance_transformer_heldout_pair" "$REF/stance_transformer_heldout_markers" --test \
    --format markdown --output "$OUT/stance_heldout_pair_vs_markers.md"
fi
if [[ -f "$REF/stance_transformer_heldout_mean/metrics.json" ]]; then
  "$BIN/framing" compare "$REF/stance_transformer_heldout_pair" "$REF/stance_transformer_heldout_mean" --test \
    --format markdown --output "$OUT/stance_heldout_cls_vs_mean_pooling.md"
fi
if [[ -f "$REF/stance_transformer/metrics.json" ]]; then
  # against the best scikit-learn baseline of the sweep (tfidf_logreg_blind, tfidf_logreg, tfidf_svm)
  "$BIN/framing" compare "$(best_run $(select_runs "$REF"/stance_baselines model.name=tfidf_logreg_blind,tfidf_logreg,tfidf_svm))" "$REF/stance_transformer" --test \
    --format markdown --output "$OUT/stance_cv_tfidf_vs_transformer.md"
fi
if [[ -f "$REF/framing_transformer/metrics.json" ]]; then
  "$BIN/framing" compare "$(best_run $(select_runs "$REF"/framing_baselines model.name=tfidf_logreg,tfidf_svm))" "$REF/framing_transformer" --test \
    --format markdown --output "$OUT/framing_cv_svm_vs_transformer.md"
fi
"$BIN/framing" compare $(select_runs "$REF"/stance_baselines model.name=tfidf_logreg_blind,tfidf_logreg) --test --mcnemar \
  --format markdown --output "$OUT/stance_target_aware_vs_blind.md"
"$BIN/framing" compare $(select_runs "$REF"/stance_baselines model.name=tfidf_logreg_blind,tfidf_logreg,tfidf_svm) --plot "$OUT/plots"
echo "tables written to $OUT/"
