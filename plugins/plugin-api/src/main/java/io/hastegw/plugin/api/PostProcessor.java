package io.hastegw.plugin.api;

import java.util.List;

/** Stage 4: turns raw scores into the labelled result that is published. */
public interface PostProcessor {
    /** The labelled result for {@code scores}, best first. */
    List<ScoredLabel> process(float[] scores);
}
