package io.hastegw.daemon.pipeline;

import io.hastegw.op.onnx.FloatTensor;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.ScoredLabel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The built-in post-processing: softmax over logits (unless the model outputs probabilities), best k labels. */
public final class TopK implements PostProcessor {
    private final List<String> labels;
    private final int k;
    private final boolean logits;

    /**
     * @param labels class names, index = output position
     * @param k      how many classes to report
     * @param logits whether the scores are logits (softmax applied) rather than probabilities
     */
    public TopK(List<String> labels, int k, boolean logits) {
        this.labels = List.copyOf(labels);
        this.k = k;
        this.logits = logits;
    }

    @Override
    public List<ScoredLabel> process(float[] scores) {
        double[] p;
        if (logits) {
            p = FloatTensor.softmax(scores);
        } else {
            p = new double[scores.length];
            for (int i = 0; i < scores.length; i++) {
                p[i] = scores[i];
            }
        }
        List<ScoredLabel> all = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            all.add(new ScoredLabel(i, i < labels.size() ? labels.get(i) : "class " + i, p[i]));
        }
        all.sort(Comparator.comparingDouble(ScoredLabel::score).reversed());
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }
}
