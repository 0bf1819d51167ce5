package io.hastegw.op.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How good one configuration's outputs were against the labels: top-1 for a classifier, mAP for
 * a detector (the other fields null).
 *
 * @param top1     top-1 accuracy in percent
 * @param map50    mAP at IoU 0.5 in percent
 * @param map50to95 mAP averaged over IoU 0.50..0.95 in percent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Quality(Double top1, Double map50, @JsonProperty("map50_95") Double map50to95) {
    /** A classifier's quality. */
    public static Quality top1(double percent) {
        return new Quality(percent, null, null);
    }

    /** A detector's quality. */
    public static Quality map(double map50Percent, double map50to95Percent) {
        return new Quality(null, map50Percent, map50to95Percent);
    }

    /** The figure levels are judged by: top-1, or mAP@0.5. */
    @JsonIgnore
    public double primary() {
        return top1 != null ? top1 : map50;
    }

    /** The primary figure's name in tables ({@code top-1} or {@code mAP@0.5}). */
    @JsonIgnore
    public String primaryName() {
        return top1 != null ? "top-1" : "mAP@0.5";
    }
}
