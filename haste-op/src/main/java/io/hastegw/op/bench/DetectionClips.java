package io.hastegw.op.bench;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.detection.DetectionSet;
import io.hastegw.op.detection.FrameGeometry;
import io.hastegw.op.eval.EvalSet;
import io.hastegw.op.eval.Preprocessor;
import io.hastegw.op.scenes.SceneSets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A detector's camera-like clips for the stream benchmark: a clip folder as {@code haste-op scenes
 * --clips} writes it ({@code boxes.json}, {@code images/<camera>/cCCC-fFFF.jpg}), frames in name
 * order, a new clip wherever the clip part of the name changes (a scene cut); every mode is scored
 * by mAP@0.5 against the labelled boxes, decoded as {@code haste-op eval} decodes.
 */
public final class DetectionClips {
    private DetectionClips() {}

    /** The first {@code clips} clips of {@code dir} (0 or less: all) for the detector {@code card} describes. */
    public static StreamClips.Clips load(Path dir, ModelCard card, int clips) throws IOException {
        Path images = dir.resolve("images");
        List<DetectionSet.Scene> scenes = DetectionSet.read(dir, card.labels(), 0);
        Preprocessor pre = new Preprocessor(card);
        List<StreamClips.Frame> frames = new ArrayList<>();
        List<DetectionSet.Scene> kept = new ArrayList<>();
        List<FrameGeometry> geometries = new ArrayList<>();
        String current = null;
        int clip = -1;
        int index = 0;
        for (DetectionSet.Scene scene : scenes) {
            String name = SceneSets.clipOf(images.relativize(scene.file()).toString());
            if (!name.equals(current)) {
                if (clips > 0 && clip + 1 == clips) {
                    break;
                }
                current = name;
                clip++;
                index = 0;
            }
            Preprocessor.Prepared p = pre.prepare(scene.file());
            frames.add(new StreamClips.Frame(p.tensor(), clip, index++));
            geometries.add(p.geometry());
            kept.add(scene);
        }
        EvalSet set = EvalSet.detection(kept, card, card.output().detection().forMap());
        return new StreamClips.Clips(frames, (outputs, dense) -> {
            EvalSet.Judge judge = set.judge();
            for (int i = 0; i < outputs.size(); i++) {
                judge.add(i, outputs.get(i), geometries.get(i));
            }
            return judge.quality().map50();
        }, "mAP@0.5");
    }
}
