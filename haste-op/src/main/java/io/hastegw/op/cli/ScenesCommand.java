package io.hastegw.op.cli;

import io.hastegw.op.card.ModelCard;
import io.hastegw.op.scenes.SceneRenderer;
import io.hastegw.op.scenes.SceneSets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code haste-op scenes}: renders camera-like detection scenes (still, or clips with moving
 * objects) from a labelled image folder into a detection folder ({@code boxes.json} and
 * {@code images/}): unlabelled calibration scenes for {@code transform --budgets}, clips for
 * {@code stream-bench} and the demo's cameras.
 */
@Command(name = "scenes", mixinStandardHelpOptions = true,
        description = "Render camera-like detection scenes (CIFAR-10 objects on blurred, dimmed backgrounds, sensor noise) from DIR/<label>/*.jpg "
                + "into OUT/boxes.json and OUT/images/: still scenes, or with --clips camera-like clips (objects moving, light drifting, "
                + "a scene cut between clips).")
final class ScenesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, description = "labelled image folder to draw from, DIR/<label>/*.jpg (e.g. the CIFAR-10 "
            + "train split for calibration scenes, the test split for evaluation clips)")
    Path images;

    @Option(names = "--card", required = true, description = "the detector's model card (its labels name the classes)")
    Path card;

    @Option(names = "--out", required = true, description = "the detection folder to write")
    Path out;

    @Option(names = "--count", defaultValue = "128", description = "still scenes (default: ${DEFAULT-VALUE}; ignored with --clips)")
    int count;

    @Option(names = "--clips", defaultValue = "0", description = "clips per camera instead of still scenes (default: none)")
    int clips;

    @Option(names = "--cameras", defaultValue = "1", description = "cameras, with --clips (default: ${DEFAULT-VALUE})")
    int cameras;

    @Option(names = "--clip-frames", defaultValue = "30", description = "frames per clip (default: ${DEFAULT-VALUE})")
    int clipFrames;

    @Option(names = "--speed", defaultValue = "2", description = "largest object speed in pixels per frame on each axis (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--per-class", defaultValue = "500", description = "images read per class (default: ${DEFAULT-VALUE})")
    int perClass;

    @Option(names = "--seed", defaultValue = "7", description = "seed of every random choice (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws Exception {
        ModelCard modelCard = ModelCard.read(card);
        if (count < 1 || clips < 0 || cameras < 1 || clipFrames < 1 || speed < 0 || perClass < 1) {
            throw new IllegalArgumentException("--count, --cameras, --clip-frames and --per-class must be positive, --clips and --speed not negative");
        }
        SceneRenderer renderer = SceneSets.renderer(images, modelCard.labels(), perClass);
        SceneSets sets = new SceneSets(renderer, modelCard.labels());
        if (clips > 0) {
            sets.clips(out, cameras, clips, clipFrames, speed, seed);
            spec.commandLine().getOut().printf("wrote %d frames (%d cameras x %d clips x %d frames) to %s%n", cameras * clips * clipFrames,
                    cameras, clips, clipFrames, out);
        } else {
            sets.stills(out, count, seed);
            spec.commandLine().getOut().printf("wrote %d scenes to %s%n", count, out);
        }
        return 0;
    }
}
