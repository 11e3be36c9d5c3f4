#!/usr/bin/env bash
# The testbed from a trained checkpoint to committed artefacts (docs/testbed.md), in order:
#   export to ONNX -> VJP graph -> shared weights -> weights read back -> ground-truth prompts -> MemScope's DDIM samples -> labels -> sha256 sums -> reference scores
#   scripts/testbed/pipeline.sh [WORK_DIR]      (WORK_DIR keeps the samples, default /tmp/testbed-gt)
# Training itself is scripts/testbed/train.py (about an hour on 2 cores); run it first. Its checkpoint.pt stays out of
# git (.gitignore): the committed weights are those of onnx/, which the PyTorch references read back
# (scripts/testbed/onnx_weights.py).
source "$(dirname "$0")/lib.sh"

step "data recipe: the checkpoint's (train.json) must be data.py's RECIPE, which every later step reads"
$py - "$models/train" <<'PY'
import sys
sys.path.insert(0, "scripts/testbed")
import data
trained = data.recipe_of(sys.argv[1])
if trained != data.RECIPE:
    sys.exit(f"{sys.argv[1]}: trained on data recipe {trained}, but data.py's RECIPE is {data.RECIPE}; set RECIPE first")
print(f"data recipe {trained}")
PY
step "export ONNX"
$py scripts/testbed/export.py --train $models/train --out $models/onnx
step "VJP graph (hand-written reverse pass, checked against autograd in float64 first)"
$py scripts/testbed/vjp.py check --train $models/train
$py scripts/testbed/vjp.py export --train $models/train --out $models/onnx
step "one weights file for unet.onnx and unet_vjp.onnx"
$py scripts/testbed/share_weights.py --onnx $models/onnx
step "the state dicts rebuilt from onnx/ (what the references read) are the checkpoint's, bit for bit"
$py scripts/testbed/onnx_weights.py verify --which testbed --models $models
step "ground-truth prompts"
$py scripts/testbed/labels.py prompts --out "$work"
step "sample every caption (MemScope DDIM, 50 steps, guidance 7.5, 4 seeds)"
scripts/memscope sample --onnx $models/onnx --prompts "$work/captions.txt" --seeds 4 --seed 777000 \
    --chunk 64 --out "$work/samples.npy"
step "concept classifier (what labels.py's learning check reads generations with)"
$py scripts/testbed/concepts.py train --out models/concepts
step "labels"
$py scripts/testbed/labels.py label --dir "$work" --out $models
step "sha256 sums"
(cd $models && sha256sum onnx/* labels.csv > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
step "reference scores (PyTorch float64)"
$py scripts/testbed/reference_scores.py --models $models
$py scripts/testbed/vjp_reference.py
step "Ren et al.'s detector and mitigation references (PyTorch float64)"
$py scripts/ren/ren_reference.py
$py scripts/ren/ren_mitigation_reference.py
step "done"
