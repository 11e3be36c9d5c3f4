#!/usr/bin/env bash
# Everything derived from the testbed after scripts/testbed/pipeline.sh, in order (docs/testbed.md, docs/metrics.md,
# docs/triggers.md):
#   training images for Java -> copy-judge reference -> metric models (their checkpoint.pt stays out of git) -> weights
#   read back -> copy histogram -> metric reference embeddings -> trigger variants -> sha256 sums
#   scripts/testbed/downstream.sh [WORK_DIR]     (pipeline.sh's WORK_DIR with the labelling samples, default
#                                                 /tmp/testbed-gt)
# Run after a new checkpoint went through pipeline.sh. The tables in docs/ that name the testbed are re-measured by
# hand afterwards (compare, membench, mitigation, speed); the commands are next to each table.
source "$(dirname "$0")/lib.sh"

test -f "$work/samples.npy" || { echo "$work/samples.npy: missing; run scripts/testbed/pipeline.sh $work first" >&2; exit 2; }
step "training images for the Java side (models/testbed/images)"
$py scripts/metrics/export_images.py
step "copy-judge reference (models/testbed/copy)"
$py scripts/testbed/copy_reference.py
step "metric models (models/testbed/metrics)"
$py scripts/metrics/train_metrics.py
step "the metric state dicts rebuilt from the ONNX files (what the references read) are the checkpoint's, bit for bit"
$py scripts/testbed/onnx_weights.py verify --which metrics --models $models
step "copy histogram of the labelling generations"
$py scripts/metrics/copy_histogram.py --samples "$work"
step "metric reference embeddings (PyTorch float64)"
$py scripts/metrics/reference_embeddings.py
step "trigger variants (MemScope, 1 per memorized caption)"
scripts/memscope triggers --model testbed --out $models/triggers
step "sha256 sums"
(cd $models && sha256sum onnx/* labels.csv triggers/variants.csv triggers/summary.json > SHA256SUMS.tmp \
    && mv SHA256SUMS.tmp SHA256SUMS)
step "done"
