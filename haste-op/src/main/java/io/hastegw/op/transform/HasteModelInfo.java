package io.hastegw.op.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hastegw.op.analysis.LayerInfo;
import java.util.List;
import java.util.Optional;
import onnx.Onnx.ModelProto;
import onnx.Onnx.StringStringEntryProto;

/**
 * What a HASTE-enabled model says about itself, stored as JSON in its metadata under
 * {@value #METADATA_KEY}: the format version, how it was made (seed, sparsity), the level
 * schedule, every compute layer with its shapes (for MACs accounting without re-running shape
 * analysis) and the HASTE layers in the order of the {@value #CHANNELS_OUTPUT} output.
 *
 * @param format        metadata format version ({@value #FORMAT})
 * @param seed          seed the hyperplanes were drawn from
 * @param sparsity      probability of a zero hyperplane entry
 * @param inputName     the image input
 * @param inputShape    the image input's fixed shape (batch 1)
 * @param schedule      levels x HASTE layers -> number of hyperplanes (0 = dense)
 * @param computeLayers every Conv and Gemm of the model, with shapes
 * @param hasteLayers   the replaced convolutions, in output order
 * @param kernel        how the file's HASTE layers are written (format 1 files: portable)
 * @param merge         how buckets are merged (format 1 and 2 files: mean)
 * @param scheduleOrigin how the schedule was made, in words (null: given, or uniform from a level list)
 */
public record HasteModelInfo(int format, long seed, double sparsity, String inputName, long[] inputShape,
                             LevelSchedule schedule, List<LayerInfo> computeLayers, List<HasteLayer> hasteLayers,
                             HasteKernel kernel, MergeMode merge, String scheduleOrigin) {
    /** Metadata key holding this record as JSON. */
    public static final String METADATA_KEY = "haste";
    /**
     * Current metadata format version: 2 added {@code kernel} (format 1 files are read as portable),
     * 3 added {@code merge} and each layer's {@code hashStride} (older files: mean merge, stride 1).
     */
    public static final int FORMAT = 3;
    /** Graph input selecting the compression level (int64 scalar, 0 = dense). */
    public static final String LEVEL_INPUT = "haste_level";
    /** Graph output with the number of channels each HASTE layer convolved for this input (int64). */
    public static final String CHANNELS_OUTPUT = "haste_channels";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** This record as the metadata entry to store in the model. */
    public StringStringEntryProto toMetadata() {
        try {
            return StringStringEntryProto.newBuilder().setKey(METADATA_KEY).setValue(JSON.writeValueAsString(this)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise HASTE metadata", e);
        }
    }

    /** The HASTE metadata of {@code model}, or empty when it is a plain model. */
    public static Optional<HasteModelInfo> of(ModelProto model) {
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            if (e.getKey().equals(METADATA_KEY)) {
                try {
                    HasteModelInfo info = JSON.readValue(e.getValue(), HasteModelInfo.class);
                    if (info.format < 1 || info.format > FORMAT) {
                        throw new IllegalArgumentException("HASTE metadata format " + info.format + " is not supported (expected 1 to " + FORMAT + ")");
                    }
                    return Optional.of(info.withDefaults());
                } catch (JsonProcessingException ex) {
                    throw new IllegalArgumentException("unreadable HASTE metadata: " + ex.getOriginalMessage(), ex);
                }
            }
        }
        return Optional.empty();
    }

    /** Older files: the portable kernel where none is named, the mean merge where none is named. */
    private HasteModelInfo withDefaults() {
        return new HasteModelInfo(format, seed, sparsity, inputName, inputShape, schedule, computeLayers, hasteLayers,
                kernel == null ? HasteKernel.PORTABLE : kernel, merge == null ? MergeMode.MEAN : merge, scheduleOrigin);
    }

    /** The method in a few words, for reports: the merge and where the schedule came from. */
    public String describe() {
        String patches = hasteLayers.stream().filter(l -> l.patch() > 0).map(l -> Integer.toString(l.patch())).distinct()
                .reduce((a, b) -> a + "/" + b).map(t -> ", patches of " + t).orElse("");
        return (merge == MergeMode.SCALE ? "scale-aware merge" : "paper's merge") + ", "
                + (scheduleOrigin == null ? "uniform L" : "searched schedule") + patches;
    }

    /** A copy saying that its schedule was made as {@code origin} says. */
    public HasteModelInfo withScheduleOrigin(String origin) {
        return new HasteModelInfo(format, seed, sparsity, inputName, inputShape, schedule, computeLayers, hasteLayers, kernel, merge, origin);
    }

    /** {@code model} with this record as its HASTE metadata (replacing any there). */
    public ModelProto storedIn(ModelProto model) {
        ModelProto.Builder b = model.toBuilder().clearMetadataProps();
        model.getMetadataPropsList().stream().filter(e -> !e.getKey().equals(METADATA_KEY)).forEach(b::addMetadataProps);
        return b.addMetadataProps(toMetadata()).build();
    }

    /** The shapes of the compute layer called {@code name}. */
    public LayerInfo layer(String name) {
        return computeLayers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no compute layer named '" + name + "' in the HASTE metadata"));
    }
}
