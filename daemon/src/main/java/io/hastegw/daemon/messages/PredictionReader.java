package io.hastegw.daemon.messages;

import com.fasterxml.jackson.databind.JsonNode;
import io.hastegw.op.detection.Detection;
import java.util.ArrayList;
import java.util.List;

/** Reads back what a prediction message ({@code haste.prediction/3}) holds, for the clients that score it (the demo, benchmarks). */
public final class PredictionReader {
    private PredictionReader() {}

    /** A detector's prediction's detections, boxes in its frame's pixels (empty for a classifier's). */
    public static List<Detection> detections(JsonNode prediction) {
        List<Detection> out = new ArrayList<>();
        for (JsonNode d : prediction.path("detections")) {
            JsonNode b = d.path("box");
            out.add(new Detection(d.path("index").asInt(), (float) d.path("score").asDouble(), (float) b.path(0).asDouble(),
                    (float) b.path(1).asDouble(), (float) b.path(2).asDouble(), (float) b.path(3).asDouble()));
        }
        return out;
    }
}
