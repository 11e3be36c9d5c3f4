"""Tiny Stable-Diffusion-shaped models and the CLIP BPE tokenizer reference used by MemScope's ONNX tests."""
