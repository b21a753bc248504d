#!/usr/bin/env bash
# Regenerate the reference runs and the committed result tables in experiments/results/.
#
#   bash experiments/make_results.sh              # scikit-learn baselines (~3 min on 2 CPU cores)
#   bash experiments/make_results.sh --transformer # also the transformer runs (CPU: hours; GPU: minutes)
#
# Reference runs go to experiments/reference/<name>/ (metrics, predictions and
# configs are committed; model/ folders are not). Tables are written by
# `framing compare`, so `framing compare experiments/reference/<name>` shows the same.
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

run_single() {  # name, then framing-run arguments
  local name=$1; shift
  rm -rf "$REF/$name"
  "$BIN/framing-run" "$@" hydra.run.dir="$REF/$name"
}

run_sweep stance_baselines experiment=stance_baselines
run_sweep framing_baselines experiment=framing_baselines
run_sweep stance_heldout -m model=tfidf_logreg,tfidf_svm split=heldout task=stance

if [[ "${1:-}" == "--transformer" ]]; then
  run_single stance_transformer experiment=stance_transformer
  run_single framing_transformer experiment=framing_transformer
  run_single stance_embedding_logreg model=embedding_logreg task=stance
  run_sweep stance_transformer_inputs -m experiment=stance_transformer split=heldout save_model=false \
    model.input_format=pair,markers
fi

for name in "$REF"/*/; do
  name=$(basename "$name")
  "$BIN/framing" compare "$REF/$name" --format markdown --output "$OUT/$name.md"
  "$BIN/framing" compare "$REF/$name" --format csv --output "$OUT/$name.csv"
done
"$BIN/framing" compare "$REF"/stance_* --format markdown --output "$OUT/stance_all.md"
echo "tables written to $OUT/"
