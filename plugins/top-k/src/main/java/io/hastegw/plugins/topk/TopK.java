package io.hastegw.plugins.topk;

import io.hastegw.plugin.api.Frame;
import io.hastegw.plugin.api.PostProcessor;
import io.hastegw.plugin.api.ScoredLabel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The built-in post-processing: softmax over logits (unless the model outputs probabilities), best k labels. */
final class TopK implements PostProcessor {
    private final List<String> labels;
    private final int k;
    private final boolean logits;

    /**
     * @param labels class names, index = output position
     * @param k      how many classes to report
     * @param logits whether the scores are logits (softmax applied) rather than probabilities
     */
    TopK(List<String> labels, int k, boolean logits) {
        this.labels = List.copyOf(labels);
        this.k = k;
        this.logits = logits;
    }

    @Override
    public List<ScoredLabel> process(float[] scores, List<ScoredLabel> previous, Frame frame) {
        double[] p;
        if (logits) {
            p = softmax(scores);
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

    /** Probabilities from logits, shifted by the largest for numerical safety. */
    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
