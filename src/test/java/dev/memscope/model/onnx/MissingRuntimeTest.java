package dev.memscope.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Where ONNX Runtime is not on the class path (the GPU bundle removes it), opening a model says so instead of
 * failing with NoClassDefFoundError: MemScope's classes are loaded alone, without the runtime's jar.
 */
class MissingRuntimeTest {
    @Test
    void openWithoutTheRuntimeIsAClearError() throws Exception {
        URL classes = OnnxModels.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader alone = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class<?> models = alone.loadClass(OnnxModels.class.getName());
            assertThat(models.getClassLoader()).isSameAs(alone);
            Method open = models.getMethod("open", Path.class, String.class);
            Throwable thrown = null;
            try {
                open.invoke(null, TinyModel.dir(), "cpu");
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }
            assertThat(thrown).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ONNX Runtime not on the class path");
        }
    }
}
