package io.hastegw.pluginhost;

/**
 * The kinds of stage a plugin can register ({@link io.hastegw.plugin.api.Extensions}); the
 * key of a {@link StageRegistry}. {@link #tag()} prefixes a stage's name where the gateway lists
 * it ({@code decoder:jpeg}); {@link #noun()} names it in messages.
 */
public enum StageKind {
    /** Frames from elsewhere than MQTT. */
    SOURCE("source", "frame source"),
    /** Turns a payload of some format into an image. */
    DECODER("decoder", "decoder"),
    /** Turns an image into the model's input. */
    PREPROCESSOR("preprocessor", "preprocessor"),
    /** Refines labels or detections. */
    POST_PROCESSOR("post", "post-processor"),
    /** Receives every prediction. */
    SINK("sink", "sink"),
    /** Estimates a frame's energy. */
    ENERGY_MODEL("energy", "energy model"),
    /** Chooses the compression level. */
    POLICY("policy", "compression policy");

    private final String tag;
    private final String noun;

    StageKind(String tag, String noun) {
        this.tag = tag;
        this.noun = noun;
    }

    /** The prefix of a registered stage's listed name ({@code decoder} in {@code decoder:jpeg}). */
    public String tag() {
        return tag;
    }

    /** How messages name a stage of this kind ({@code frame source 'camera'}). */
    public String noun() {
        return noun;
    }
}
