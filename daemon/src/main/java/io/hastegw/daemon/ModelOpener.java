package io.hastegw.daemon;

import ai.onnxruntime.OrtEnvironment;
import io.hastegw.daemon.config.GatewayConfig;
import io.hastegw.daemon.inference.OnnxEngine;
import io.hastegw.op.card.ModelCard;
import io.hastegw.plugin.api.InputTensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/** Opens what {@code model.*} names: its card, its ONNX Runtime session, and the dense model's time on this device. */
final class ModelOpener {
    /** Runs made to time the dense model when no cost plan measured it. */
    private static final int DENSE_TIMING_RUNS = 7;

    private ModelOpener() {}

    /** The card {@code model.card} names. */
    static ModelCard card(GatewayConfig config) throws StartupException {
        try {
            return ModelCard.read(Path.of(config.model().card()));
        } catch (ModelCard.ModelCardException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /**
     * Opens the model on a thread with a 16 MiB stack. ONNX Runtime 1.29's native initialisation
     * needs most of a default 1 MiB thread stack: started from the main thread of a JVM whose
     * command line is long (a classpath of a few KB), it crashed the process with SIGSEGV here.
     */
    static OnnxEngine open(GatewayConfig config, ModelCard card) throws StartupException, InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread loader = new Thread(null, () -> {
            try {
                result.set(OnnxEngine.open(OrtEnvironment.getEnvironment(), config.model(), card));
            } catch (Exception | LinkageError e) {
                result.set(e);
            }
        }, "haste-model-loader", 16L << 20);
        loader.start();
        loader.join();
        if (result.get() instanceof OnnxEngine engine) {
            return engine;
        }
        Throwable failure = (Throwable) result.get();
        throw new StartupException(failure.getMessage(), failure);
    }

    /**
     * The dense model's time on this device (median of {@value #DENSE_TIMING_RUNS} runs on a blank
     * input, the first left out as warm-up), for the controller's derived latency target when no
     * cost plan measured it.
     */
    static double denseMillis(OnnxEngine engine, ModelCard card) throws StartupException {
        int[] chw = card.chw();
        InputTensor blank = new InputTensor(new float[chw[0] * chw[1] * chw[2]], new long[] {1, chw[0], chw[1], chw[2]});
        double[] ms = new double[DENSE_TIMING_RUNS];
        try {
            for (int i = 0; i < ms.length; i++) {
                long t = System.nanoTime();
                engine.run(blank, 0);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
        } catch (Exception e) {
            throw new StartupException("the model does not run on a blank input: " + e.getMessage(), e);
        }
        double[] timed = Arrays.copyOfRange(ms, 1, ms.length);
        Arrays.sort(timed);
        return timed[timed.length / 2];
    }
}
