package io.hastegw.op.cost;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.op.runtime.RuntimeOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;

/**
 * Times several models on the same feeds, interleaved: one warm-up run each, then for every
 * repeat and feed one run of every model in turn, so that machine drift hits all alike.
 */
public final class InterleavedTimer {
    private final OrtEnvironment env;
    private final int repeats;

    /** A timer running every feed {@code repeats} times per model. */
    public InterleavedTimer(OrtEnvironment env, int repeats) {
        this.env = env;
        this.repeats = repeats;
    }

    /**
     * Median microseconds per run of every model in {@code models}, all fed each map of {@code
     * feeds} (input name to tensor; a model gets the entries that name its inputs).
     */
    public <K> Map<K, Double> medianMicros(Map<K, ModelProto> models, List<Map<String, FloatTensor>> feeds, RuntimeOptions options)
            throws OrtException {
        return medianMicros(models, feeds, Map.of(), options);
    }

    /**
     * As {@link #medianMicros(Map, List, RuntimeOptions)}, every run of model k also fed {@code
     * fixed.get(k)} (the kept state a stream-reuse model reads; owned by the caller).
     */
    public <K> Map<K, Double> medianMicros(Map<K, ModelProto> models, List<Map<String, FloatTensor>> feeds,
                                           Map<K, Map<String, OnnxTensor>> fixed, RuntimeOptions options) throws OrtException {
        Map<K, OrtSession> sessions = new LinkedHashMap<>();
        Map<K, Set<String>> inputs = new LinkedHashMap<>();
        models.forEach((k, m) -> inputs.put(k, m.getGraph().getInputList().stream().map(v -> v.getName())
                .collect(Collectors.toSet())));
        Map<K, List<Long>> times = new LinkedHashMap<>();
        List<Map<String, OnnxTensor>> tensors = new ArrayList<>();
        // The options must outlive the sessions: closing them unloads the native kernel library.
        try (OrtSession.SessionOptions so = options.sessionOptions()) {
            try {
                for (Map.Entry<K, ModelProto> e : models.entrySet()) {
                    sessions.put(e.getKey(), env.createSession(e.getValue().toByteArray(), so));
                    times.put(e.getKey(), new ArrayList<>());
                }
                for (Map<String, FloatTensor> feed : feeds) {
                    Map<String, OnnxTensor> t = new LinkedHashMap<>();
                    tensors.add(t);
                    for (Map.Entry<String, FloatTensor> e : feed.entrySet()) {
                        t.put(e.getKey(), e.getValue().toOnnx(env));
                    }
                }
                // Each model's own feeds (the entries naming its inputs), built before any timing.
                Map<K, List<Map<String, OnnxTensor>>> own = new LinkedHashMap<>();
                inputs.forEach((k, names) -> own.put(k, tensors.stream().map(t -> {
                    Map<String, OnnxTensor> m = new LinkedHashMap<>(t);
                    m.putAll(fixed.getOrDefault(k, Map.of()));
                    m.keySet().retainAll(names);
                    return m;
                }).toList()));
                for (Map.Entry<K, OrtSession> e : sessions.entrySet()) {
                    runOnce(e.getValue(), own.get(e.getKey()).get(0));
                }
                for (int rep = 0; rep < repeats; rep++) {
                    for (int f = 0; f < tensors.size(); f++) {
                        for (Map.Entry<K, OrtSession> e : sessions.entrySet()) {
                            Map<String, OnnxTensor> feed = own.get(e.getKey()).get(f);
                            long t0 = System.nanoTime();
                            runOnce(e.getValue(), feed);
                            times.get(e.getKey()).add(System.nanoTime() - t0);
                        }
                    }
                }
            } finally {
                for (Map<String, OnnxTensor> t : tensors) {
                    for (OnnxTensor x : t.values()) {
                        x.close();
                    }
                }
                for (OrtSession s : sessions.values()) {
                    s.close();
                }
            }
        }
        Map<K, Double> medians = new LinkedHashMap<>();
        times.forEach((k, v) -> medians.put(k, CostCalibrator.median(v) / 1000.0));
        return medians;
    }

    private static void runOnce(OrtSession s, Map<String, OnnxTensor> feed) throws OrtException {
        try (OrtSession.Result r = s.run(feed)) {
            r.size();
        }
    }
}
