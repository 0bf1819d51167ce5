package io.hastegw.pluginhost;

/**
 * The messages between the gateway and a plugin host (docs/plugins.md "Process isolation"). Every
 * message is {@code int length, byte op, int id, body}; a request's answer is a {@link #REPLY} or
 * {@link #FAILED} with the request's id. Requests go both ways: the gateway calls the plugin's
 * lifecycle and stages, the host calls the gateway's services ({@link #SUBMIT}, {@link #PUBLISH},
 * {@link #PREDICTION_JSON}); {@link #LOG}, {@link #COUNT}, {@link #GAUGE} and {@link #CANCEL} are not answered.
 */
public enum Op {
    /** Gateway: the plugin's context; answered with the stages it registered. */
    INIT,
    /** Gateway: {@code Plugin.start}. */
    START,
    /** Gateway: {@code Plugin.stop}; the host exits after answering. */
    STOP,
    /** Gateway: {@code Plugin.health}. */
    HEALTH,
    /** Gateway: a decoder's {@code supports}. */
    SUPPORTS,
    /** Gateway: a decoder's {@code decode}. */
    DECODE,
    /** Gateway: a preprocessor's {@code apply}. */
    PREPROCESS,
    /** Gateway: a post-processor's {@code process}. */
    POST_LABELS,
    /** Gateway: a post-processor's {@code detections}. */
    POST_DETECTIONS,
    /** Gateway: a sink's {@code publish}. */
    SINK,
    /** Gateway: an energy model's {@code millijoules}. */
    ENERGY,
    /** Gateway: a policy factory's {@code create}, under the gateway's id for it. */
    POLICY_CREATE,
    /** Gateway: a created policy's {@code assess} (re-created first when the host is new). */
    POLICY_ASSESS,
    /** Gateway: a frame source's {@code start}. */
    SOURCE_START,
    /** Gateway: a frame source's {@code stop}. */
    SOURCE_STOP,
    /** Gateway: give up on a request (its thread is interrupted); not answered. */
    CANCEL,
    /** Host: a frame source's frame ({@code FrameInput.submit}). */
    SUBMIT,
    /** Host: {@code MqttOutput.publish}; the gateway applies its topic rules. */
    PUBLISH,
    /** Host: {@code PluginContext.predictionJson}. */
    PREDICTION_JSON,
    /** Host: a line of the plugin's logger; not answered. */
    LOG,
    /** Host: a counter increment; not answered. */
    COUNT,
    /** Host: a gauge's value now (sent every second); not answered. */
    GAUGE,
    /** Either: the answer to a request. */
    REPLY,
    /** Either: a request failed; body: {@link Failure} ordinal, message. */
    FAILED;

    /** Why a request failed. */
    public enum Failure {
        /** The stage rejected the frame ({@code FrameRejectedException}); body adds the reject reason. */
        REJECTED,
        /** The plugin's code threw. */
        THREW,
        /** The request itself was not valid (unknown stage, bad arguments). */
        INVALID,
        /** The plugin's code could not be loaded in the host (no implementation, several, a missing class); its message says which. */
        UNLOADABLE
    }

    private static final Op[] ALL = values();

    /** The op of {@code code}, or null. */
    public static Op of(int code) {
        return code >= 0 && code < ALL.length ? ALL[code] : null;
    }
}
