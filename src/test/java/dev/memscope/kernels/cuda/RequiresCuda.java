package dev.memscope.kernels.cuda;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class where CUDA cannot run, reporting why (no driver, no device, no fatbin): the skip is visible
 * in the test report with {@link CudaAvailability}'s reason, never silent.
 */
final class RequiresCuda implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String why = CudaAvailability.unavailableReason();
        return why == null ? ConditionEvaluationResult.enabled("CUDA available")
                : ConditionEvaluationResult.disabled("CUDA unavailable: " + why);
    }
}
