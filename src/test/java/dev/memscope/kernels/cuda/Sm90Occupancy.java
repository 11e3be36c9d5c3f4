package dev.memscope.kernels.cuda;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blocks per SM that registers, shared memory and threads allow on sm_90, from a kernel's ptxas figures: the
 * arithmetic of NVIDIA's occupancy calculator (CUDA C Programming Guide, "Compute Capabilities", table of
 * technical specifications for 9.0: 64K 32-bit registers, 2048 threads, 32 blocks and 228 KB shared memory per
 * SM, registers allocated per warp in units of 256, shared memory in units of 128 bytes plus 1 KB reserved per
 * block). Used to check launch geometry against what ptxas produced, without a GPU.
 */
final class Sm90Occupancy {
    static final int REGISTERS_PER_SM = 65536;
    static final int THREADS_PER_SM = 2048;
    static final int BLOCKS_PER_SM = 32;
    static final int SMEM_PER_SM = 228 * 1024;
    static final int SMEM_RESERVED_PER_BLOCK = 1024;
    static final int REGISTER_UNIT = 256;
    static final int SMEM_UNIT = 128;

    private Sm90Occupancy() {
    }

    /** One kernel's resources as ptxas reported them. */
    record Resources(int registers, int sharedBytes) {
    }

    static int blocksPerSm(int threadsPerBlock, Resources r) {
        int warps = (threadsPerBlock + 31) / 32;
        int regsPerWarp = ceil(Math.max(1, r.registers()) * 32, REGISTER_UNIT);
        int byRegisters = (REGISTERS_PER_SM / regsPerWarp) / warps;
        int byThreads = THREADS_PER_SM / (warps * 32);
        int smem = ceil(r.sharedBytes() + SMEM_RESERVED_PER_BLOCK, SMEM_UNIT);
        int bySmem = SMEM_PER_SM / smem;
        return Math.min(BLOCKS_PER_SM, Math.min(byRegisters, Math.min(byThreads, bySmem)));
    }

    private static int ceil(int v, int unit) {
        return (v + unit - 1) / unit * unit;
    }

    /** Entry name to resources for one architecture ("sm_90") of an {@code nvcc -Xptxas -v} log. */
    static Map<String, Resources> parse(String log, String arch) {
        Map<String, Resources> out = new LinkedHashMap<>();
        Pattern entry = Pattern.compile("Compiling entry function '(\\w+)' for '(\\w+)'");
        Pattern used = Pattern.compile("Used (\\d+) registers(?:.*?(\\d+) bytes smem)?");
        String current = null;
        for (String line : log.split("\n")) {
            Matcher e = entry.matcher(line);
            if (e.find()) {
                current = e.group(2).equals(arch) ? e.group(1) : null;
                continue;
            }
            Matcher u = used.matcher(line);
            if (current != null && u.find()) {
                int smem = u.group(2) == null ? 0 : Integer.parseInt(u.group(2));
                out.put(current, new Resources(Integer.parseInt(u.group(1)), smem));
                current = null;
            }
        }
        return out;
    }
}
