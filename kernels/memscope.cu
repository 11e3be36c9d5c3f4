// The single translation unit nvcc compiles into memscope.fatbin (loaded by CudaKernels with cuModuleLoadData).
// Every __global__ is extern "C" so the host looks it up by its plain name. Host reference: ScalarKernels.
#include "reductions.cuh"
#include "elementwise.cuh"
#include "ops.cuh"
#include "gemm.cuh"
