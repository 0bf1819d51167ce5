package io.hastegw.op.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A labelled image folder laid out as {@code DIR/<label>/<file>} (the CIFAR-10 JPEG copy in
 * ../shared) or {@code DIR/<class index>/<file>} (labels that cannot be folder names, such as
 * Fashion-MNIST's "T-shirt/top": the demo's frames). Images are returned interleaved across classes (the first file of every class, then
 * the second, ...) so that "the first N images" is a class-balanced subset; with a seed, each
 * class's files are shuffled first, so the subset is a random stratified sample.
 */
public final class ImageFolder {
    private ImageFolder() {}

    /** The first {@code limit} images of {@code dir}, interleaved across the classes {@code labels}. */
    public static List<LabelledImage> interleaved(Path dir, List<String> labels, int limit) throws IOException {
        return stratified(dir, labels, limit, null);
    }

    /**
     * {@code limit} images of {@code dir}, interleaved across the classes {@code labels}: each
     * class's files in name order, or shuffled with {@code seed} when it is not null (a random
     * stratified sample, the same for the same seed).
     */
    public static List<LabelledImage> stratified(Path dir, List<String> labels, int limit, Long seed) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": image folder not found");
        }
        List<List<Path>> perClass = new ArrayList<>();
        for (String label : labels) {
            Path named = label.contains("/") ? null : dir.resolve(label);
            Path classDir = named != null && Files.isDirectory(named) ? named : dir.resolve(Integer.toString(perClass.size()));
            if (!Files.isDirectory(classDir)) {
                throw new IOException(dir + ": no folder for class '" + label + "' (nor '" + perClass.size() + "', its index)");
            }
            try (Stream<Path> files = Files.list(classDir)) {
                List<Path> sorted = new ArrayList<>(files.filter(Files::isRegularFile).sorted().toList());
                if (seed != null) {
                    Collections.shuffle(sorted, new Random(seed + perClass.size()));
                }
                perClass.add(sorted);
            }
        }
        List<LabelledImage> out = new ArrayList<>();
        for (int i = 0; out.size() < limit; i++) {
            boolean any = false;
            for (int c = 0; c < perClass.size() && out.size() < limit; c++) {
                if (i < perClass.get(c).size()) {
                    out.add(new LabelledImage(perClass.get(c).get(i), c));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return out;
    }
}
