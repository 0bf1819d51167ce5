package io.hastegw.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.hastegw.daemon.messages.PredictionReader;
import io.hastegw.op.detection.Detection;
import io.hastegw.op.detection.MeanAveragePrecision;
import java.util.List;
import java.util.Map;

/** How the demo scores one pass's predictions: top-1 of a classifier, mAP@0.5 of a detector. Fed from one thread at a time. */
interface DemoScore {
    /** The prediction message for frame {@code frameId}. */
    void add(String frameId, JsonNode prediction);

    /** The score so far in percent; NaN when no scored frame was predicted. */
    double percent();

    /** Frames scored so far. */
    int frames();

    /** What the score is, in words ({@code top-1}, {@code mAP@0.5}). */
    String name();

    /** Top-1 against the class a frame's id names ({@code <class index>/<file>}); frames of other ids are not scored. */
    static DemoScore top1() {
        return new DemoScore() {
            private int labelled;
            private int correct;

            @Override
            public void add(String frameId, JsonNode prediction) {
                String folder = frameId.substring(0, Math.max(0, frameId.indexOf('/')));
                if (folder.matches("\\d+")) {
                    labelled++;
                    correct += Integer.parseInt(folder) == prediction.path("top").path(0).path("index").asInt(-1) ? 1 : 0;
                }
            }

            @Override
            public double percent() {
                return labelled == 0 ? Double.NaN : 100.0 * correct / labelled;
            }

            @Override
            public int frames() {
                return labelled;
            }

            @Override
            public String name() {
                return "top-1";
            }
        };
    }

    /** mAP@0.5 of the published detections against {@code truth} (frame id -> labelled boxes), over {@code classes} classes. */
    static DemoScore map(Map<String, List<Detection>> truth, int classes) {
        return new DemoScore() {
            private final MeanAveragePrecision map = new MeanAveragePrecision(classes);

            @Override
            public void add(String frameId, JsonNode prediction) {
                List<Detection> labelled = truth.get(frameId);
                if (labelled == null) {
                    return;
                }
                map.add(PredictionReader.detections(prediction), labelled);
            }

            @Override
            public double percent() {
                return map.images() == 0 ? Double.NaN : 100 * map.map50();
            }

            @Override
            public int frames() {
                return map.images();
            }

            @Override
            public String name() {
                return "mAP@0.5";
            }
        };
    }
}
