package io.hastegw.pluginhost;

import io.hastegw.plugin.api.CompressionPolicy;
import io.hastegw.plugin.api.Detection;
import io.hastegw.plugin.api.Detections;
import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.Health;
import io.hastegw.plugin.api.Image;
import io.hastegw.plugin.api.InferenceResult;
import io.hastegw.plugin.api.InputTensor;
import io.hastegw.plugin.api.LoadSignals;
import io.hastegw.plugin.api.ModelInfo;
import io.hastegw.plugin.api.PipelineLimits;
import io.hastegw.plugin.api.Prediction;
import io.hastegw.plugin.api.ScoredLabel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugin API's values ({@link Frame}, {@link Image}, {@link Prediction}, ...) in the binary
 * form of {@link Wire}, written and read field by field in declaration order.
 */
public final class ApiWire {
    private ApiWire() {}

    /** A frame, payload included. */
    public static void frame(DataOutputStream out, Frame f) throws IOException {
        Wire.string(out, f.cameraId());
        Wire.string(out, f.frameId());
        Wire.bytes(out, f.payload());
        Wire.string(out, f.contentType());
        Wire.stringMap(out, f.userProperties());
        Wire.bytes(out, f.correlationData());
        out.writeLong(f.receivedNanos());
    }

    /** A frame written by {@link #frame(DataOutputStream, Frame)}. */
    public static Frame frame(DataInputStream in) throws IOException {
        return new Frame(Wire.string(in), Wire.string(in), Wire.bytes(in), Wire.string(in), Wire.stringMap(in), Wire.bytes(in), in.readLong());
    }

    /** An image. */
    public static void image(DataOutputStream out, Image i) throws IOException {
        out.writeInt(i.width());
        out.writeInt(i.height());
        out.writeInt(i.channels());
        Wire.bytes(out, i.pixels());
    }

    /** An image written by {@link #image(DataOutputStream, Image)}; checked as the API's constructor checks it. */
    public static Image image(DataInputStream in) throws IOException {
        return new Image(in.readInt(), in.readInt(), in.readInt(), Wire.bytes(in));
    }

    /** A model input. */
    public static void tensor(DataOutputStream out, InputTensor t) throws IOException {
        Wire.floats(out, t.data());
        out.writeInt(t.shape().length);
        for (long d : t.shape()) {
            out.writeLong(d);
        }
    }

    /** A model input written by {@link #tensor(DataOutputStream, InputTensor)}. */
    public static InputTensor tensor(DataInputStream in) throws IOException {
        float[] data = Wire.floats(in);
        long[] shape = new long[Wire.length(in.readInt(), 8)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = in.readLong();
        }
        return new InputTensor(data, shape);
    }

    /** Labels, best first. */
    public static void labels(DataOutputStream out, List<ScoredLabel> labels) throws IOException {
        out.writeInt(labels.size());
        for (ScoredLabel l : labels) {
            out.writeInt(l.index());
            Wire.string(out, l.label());
            out.writeDouble(l.score());
        }
    }

    /** Labels written by {@link #labels(DataOutputStream, List)}. */
    public static List<ScoredLabel> labels(DataInputStream in) throws IOException {
        int n = Wire.length(in.readInt(), 16);
        List<ScoredLabel> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ScoredLabel(in.readInt(), Wire.string(in), in.readDouble()));
        }
        return out;
    }

    /** Detections with their boxes and zones. */
    public static void detections(DataOutputStream out, List<Detection> list) throws IOException {
        out.writeInt(list.size());
        for (Detection d : list) {
            out.writeInt(d.index());
            Wire.string(out, d.label());
            out.writeDouble(d.score());
            out.writeDouble(d.x0());
            out.writeDouble(d.y0());
            out.writeDouble(d.x1());
            out.writeDouble(d.y1());
            out.writeInt(d.zones().size());
            for (String z : d.zones()) {
                Wire.string(out, z);
            }
        }
    }

    /** Detections written by {@link #detections(DataOutputStream, List)}. */
    public static List<Detection> detections(DataInputStream in) throws IOException {
        int n = Wire.length(in.readInt(), 48);
        List<Detection> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = in.readInt();
            String label = Wire.string(in);
            double score = in.readDouble();
            double x0 = in.readDouble();
            double y0 = in.readDouble();
            double x1 = in.readDouble();
            double y1 = in.readDouble();
            int zones = Wire.length(in.readInt(), 4);
            List<String> z = new ArrayList<>(zones);
            for (int k = 0; k < zones; k++) {
                z.add(Wire.string(in));
            }
            out.add(new Detection(index, label, score, x0, y0, x1, y1, z));
        }
        return out;
    }

    /** A prediction, with everything the API gives a sink (all scores, detections, latency, energy). */
    public static void prediction(DataOutputStream out, Prediction p) throws IOException {
        Wire.string(out, p.cameraId());
        Wire.string(out, p.frameId());
        out.writeLong(p.timestampMillis());
        Wire.bytes(out, p.correlationData());
        Wire.stringMap(out, p.userProperties());
        labels(out, p.top());
        Wire.string(out, p.model());
        Wire.floats(out, p.result().scores());
        out.writeInt(p.result().level());
        out.writeLong(p.result().denseMacs());
        out.writeLong(p.result().executedMacs());
        Prediction.Latency l = p.latency();
        for (double v : new double[] {l.queueMs(), l.decodeMs(), l.inferenceMs(), l.totalMs()}) {
            out.writeDouble(v);
        }
        out.writeBoolean(p.energy() != null);
        if (p.energy() != null) {
            out.writeDouble(p.energy().millijoules());
            out.writeDouble(p.energy().denseMillijoules());
            Wire.string(out, p.energy().method());
        }
        out.writeBoolean(p.detections() != null);
        if (p.detections() != null) {
            Detections d = p.detections();
            out.writeInt(d.frameWidth());
            out.writeInt(d.frameHeight());
            detections(out, d.objects());
            out.writeInt(d.zones().size());
            for (Map.Entry<String, Map<String, Integer>> z : d.zones().entrySet()) {
                Wire.string(out, z.getKey());
                out.writeInt(z.getValue().size());
                for (Map.Entry<String, Integer> c : z.getValue().entrySet()) {
                    Wire.string(out, c.getKey());
                    out.writeInt(c.getValue());
                }
            }
        }
    }

    /** A prediction written by {@link #prediction(DataOutputStream, Prediction)}. */
    public static Prediction prediction(DataInputStream in) throws IOException {
        String camera = Wire.string(in);
        String frameId = Wire.string(in);
        long timestamp = in.readLong();
        byte[] correlation = Wire.bytes(in);
        Map<String, String> props = Wire.stringMap(in);
        List<ScoredLabel> top = labels(in);
        String model = Wire.string(in);
        InferenceResult result = new InferenceResult(Wire.floats(in), in.readInt(), in.readLong(), in.readLong());
        Prediction.Latency latency = new Prediction.Latency(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
        Prediction.Energy energy = in.readBoolean() ? new Prediction.Energy(in.readDouble(), in.readDouble(), Wire.string(in)) : null;
        Detections detections = null;
        if (in.readBoolean()) {
            int w = in.readInt();
            int h = in.readInt();
            List<Detection> objects = detections(in);
            int zones = Wire.length(in.readInt(), 8);
            Map<String, Map<String, Integer>> z = new LinkedHashMap<>();
            for (int i = 0; i < zones; i++) {
                String zone = Wire.string(in);
                int n = Wire.length(in.readInt(), 8);
                Map<String, Integer> counts = new LinkedHashMap<>();
                for (int k = 0; k < n; k++) {
                    counts.put(Wire.string(in), in.readInt());
                }
                z.put(zone, counts);
            }
            detections = new Detections(w, h, objects, z);
        }
        return new Prediction(camera, frameId, timestamp, correlation, props, top, model, result, latency, energy, detections);
    }

    /** The model's description. */
    public static void model(DataOutputStream out, ModelInfo m) throws IOException {
        Wire.string(out, m.name());
        out.writeInt(m.channels());
        out.writeInt(m.height());
        out.writeInt(m.width());
        Wire.json(out, m.labels());
        out.writeBoolean(m.probabilities());
        out.writeBoolean(m.detector());
    }

    /** The model's description written by {@link #model(DataOutputStream, ModelInfo)}. */
    @SuppressWarnings("unchecked")
    public static ModelInfo model(DataInputStream in) throws IOException {
        String name = Wire.string(in);
        int c = in.readInt();
        int h = in.readInt();
        int w = in.readInt();
        List<String> labels = (List<String>) Wire.json(in);
        return new ModelInfo(name, c, h, w, labels, in.readBoolean(), in.readBoolean());
    }

    /** The pipeline's limits. */
    public static void limits(DataOutputStream out, PipelineLimits l) throws IOException {
        out.writeLong(l.maxPayloadBytes());
        out.writeLong(l.maxImagePixels());
        out.writeLong(l.decodeMemoryBytes());
        out.writeLong(l.stageTimeoutMs());
    }

    /** The pipeline's limits written by {@link #limits(DataOutputStream, PipelineLimits)}. */
    public static PipelineLimits limits(DataInputStream in) throws IOException {
        return new PipelineLimits(in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }

    /** A plugin's health. */
    public static void health(DataOutputStream out, Health h) throws IOException {
        out.writeBoolean(h.healthy());
        Wire.string(out, h.detail());
    }

    /** A health written by {@link #health(DataOutputStream, Health)}. */
    public static Health health(DataInputStream in) throws IOException {
        return new Health(in.readBoolean(), Wire.string(in));
    }

    /** A policy's targets. */
    public static void targets(DataOutputStream out, CompressionPolicy.Targets t) throws IOException {
        out.writeDouble(t.latencyTargetMs());
        out.writeDouble(t.cpuBudget());
        out.writeDouble(t.hysteresis());
    }

    /** Targets written by {@link #targets(DataOutputStream, CompressionPolicy.Targets)}. */
    public static CompressionPolicy.Targets targets(DataInputStream in) throws IOException {
        return new CompressionPolicy.Targets(in.readDouble(), in.readDouble(), in.readDouble());
    }

    /** One period's load signals. */
    public static void signals(DataOutputStream out, LoadSignals s) throws IOException {
        out.writeInt(s.frames());
        for (double v : new double[] {s.p95LatencyMs(), s.inferenceP95Ms(), s.queueP95Ms(), s.framesPerSecond(), s.dropRate()}) {
            out.writeDouble(v);
        }
        out.writeInt(s.queued());
        for (double v : new double[] {s.boardCpu(), s.processCpu(), s.temperatureC()}) {
            out.writeDouble(v);
        }
        out.writeInt(s.level());
        out.writeInt(s.shedEvery());
        out.writeDouble(s.stepDownLoadFactor());
    }

    /** Load signals written by {@link #signals(DataOutputStream, LoadSignals)}. */
    public static LoadSignals signals(DataInputStream in) throws IOException {
        int frames = in.readInt();
        double p95 = in.readDouble();
        double inf = in.readDouble();
        double queue = in.readDouble();
        double fps = in.readDouble();
        double drop = in.readDouble();
        int queued = in.readInt();
        double board = in.readDouble();
        double process = in.readDouble();
        double temp = in.readDouble();
        return new LoadSignals(frames, p95, inf, queue, fps, drop, queued, board, process, temp, in.readInt(), in.readInt(), in.readDouble());
    }

    /** A policy's judgement. */
    public static void assessment(DataOutputStream out, CompressionPolicy.Assessment a) throws IOException {
        out.writeByte(a.pressure().ordinal());
        Wire.string(out, a.reason());
        out.writeDouble(a.measure());
        out.writeBoolean(a.sheddingHelps());
    }

    /** A judgement written by {@link #assessment(DataOutputStream, CompressionPolicy.Assessment)}. */
    public static CompressionPolicy.Assessment assessment(DataInputStream in) throws IOException {
        CompressionPolicy.Pressure[] all = CompressionPolicy.Pressure.values();
        int p = in.readByte();
        if (p < 0 || p >= all.length) {
            throw new IOException("unknown pressure " + p);
        }
        return new CompressionPolicy.Assessment(all[p], Wire.string(in), in.readDouble(), in.readBoolean());
    }
}
