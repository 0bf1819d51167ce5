package io.hastegw.daemon.mqtt;

import io.hastegw.daemon.config.GatewayConfig;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's topics (all documented in docs/mqtt-api.md) and the camera id parsed from a
 * frame topic.
 */
public final class Topics {
    /** The topics, under {@code haste/<gateway_id>/}, that the gateway publishes retained (clear them with empty retained messages). */
    public static final List<String> RETAINED_LEAVES = List.of("status", "control/level/state", "control/state", "energy");

    private final String gatewayId;
    private final String[] frameFilter;
    private final int cameraLevel;
    private final String subscription;
    private final String frameFilterText;
    private final String replyPrefix;

    /** Topics of the gateway configured by {@code config}. */
    public Topics(GatewayConfig config) {
        this.gatewayId = config.gatewayId();
        String filter = config.frameFilter();
        this.frameFilterText = filter;
        this.replyPrefix = config.replyTopicPrefix();
        this.frameFilter = filter.split("/", -1);
        int plus = -1;
        for (int i = 0; i < frameFilter.length; i++) {
            if (frameFilter[i].equals("+")) {
                plus = i;
            }
        }
        this.cameraLevel = plus;
        String group = config.mqtt().sharedGroup();
        this.subscription = group == null || group.isBlank() ? filter : "$share/" + group + "/" + filter;
    }

    /** What to subscribe to: the frame filter, with the {@code $share/<group>/} prefix when configured. */
    public String frameSubscription() {
        return subscription;
    }

    /** The camera id of a frame topic, or empty when the topic does not match the frame filter. */
    public Optional<String> cameraId(String topic) {
        String[] levels = topic.split("/", -1);
        if (levels.length != frameFilter.length) {
            return Optional.empty();
        }
        for (int i = 0; i < levels.length; i++) {
            if (i != cameraLevel && !levels[i].equals(frameFilter[i])) {
                return Optional.empty();
            }
        }
        String camera = levels[cameraLevel];
        return camera.isEmpty() ? Optional.empty() : Optional.of(camera);
    }

    /** The control commands' filters: v1 {@code control/+/set}, v2 {@code control/set} and {@code control/get}. */
    public String[] controlFilters() {
        return new String[] {"haste/" + gatewayId + "/control/+/set", controlSet(), controlGet()};
    }

    /** {@code haste/<gatewayId>/control/set}: change the control settings (v2). */
    public String controlSet() {
        return "haste/" + gatewayId + "/control/set";
    }

    /** {@code haste/<gatewayId>/control/get}: ask for the control state (v2). */
    public String controlGet() {
        return "haste/" + gatewayId + "/control/get";
    }

    /** {@code haste/<gatewayId>/control/ack}: answers to v2 commands without a response topic. */
    public String controlAck() {
        return "haste/" + gatewayId + "/control/ack";
    }

    /** {@code haste/<gatewayId>/control/state} (retained): settings, level, shedding and the last reason. */
    public String controlState() {
        return "haste/" + gatewayId + "/control/state";
    }

    /** {@code haste/<gatewayId>/control/plugins/set}: enable, disable or reload a plugin (docs/mqtt-api.md). */
    public String pluginsSet() {
        return "haste/" + gatewayId + "/control/plugins/set";
    }

    /** {@code haste/<gatewayId>/control/plugins/ack}: answers to plugin commands without a response topic. */
    public String pluginsAck() {
        return "haste/" + gatewayId + "/control/plugins/ack";
    }

    /** {@code haste/<gatewayId>/control/level/set}: set the compression level. */
    public String levelSet() {
        return "haste/" + gatewayId + "/control/level/set";
    }

    /** {@code haste/<gatewayId>/control/level/state} (retained): the level in use. */
    public String levelState() {
        return "haste/" + gatewayId + "/control/level/state";
    }

    /**
     * Why a control request's response topic is refused, or empty when the answer may go there
     * (also when there is none). Allowed: topics under the reply prefix, without wildcards, that
     * none of the gateway's own subscriptions matches (an answer there would come back as input).
     */
    public Optional<String> replyRefusal(String responseTopic) {
        if (responseTopic == null) {
            return Optional.empty();
        }
        String shown = abbreviated(responseTopic);
        if (!responseTopic.startsWith(replyPrefix) || responseTopic.length() == replyPrefix.length()) {
            return Optional.of("response topic '" + shown + "' refused: answers go only to topics under " + replyPrefix
                    + " (mqtt.reply_topic_prefix)");
        }
        if (responseTopic.contains("+") || responseTopic.contains("#")) {
            return Optional.of("response topic '" + shown + "' refused: a response topic may not contain the wildcards + or #");
        }
        if (matches(frameFilterText, responseTopic) || java.util.Arrays.stream(controlFilters()).anyMatch(f -> matches(f, responseTopic))) {
            return Optional.of("response topic '" + shown + "' refused: the gateway subscribes to it, the answer would come back as input");
        }
        return Optional.empty();
    }

    /** Whether the topic filter {@code filter} (with {@code +} and {@code #}) matches {@code topic}. */
    static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length || !(f[i].equals("+") || f[i].equals(t[i]))) {
                return false;
            }
        }
        return f.length == t.length;
    }

    /** Whether {@code topic} is a control command of this gateway (v1 {@code control/<x>/set}, v2 set and get). */
    public boolean isControl(String topic) {
        return topic.startsWith("haste/" + gatewayId + "/control/") && topic.endsWith("/set") || topic.equals(controlGet());
    }

    /** {@code haste/<gatewayId>/cameras/<cameraId>/predictions}. */
    public String predictions(String cameraId) {
        return "haste/" + gatewayId + "/cameras/" + cameraId + "/predictions";
    }

    /** {@code haste/<gatewayId>/energy} (retained): the periodic energy summary. */
    public String energy() {
        return "haste/" + gatewayId + "/energy";
    }

    /** {@code haste/<gatewayId>/errors}. */
    public String errors() {
        return "haste/" + gatewayId + "/errors";
    }

    /** {@code haste/<gatewayId>/status} (retained; online/offline via last will). */
    public String status() {
        return "haste/" + gatewayId + "/status";
    }

    /** {@code haste/<gatewayId>/events}: zone count changes. */
    public String events() {
        return "haste/" + gatewayId + "/events";
    }

    /**
     * {@code haste/<gatewayId>/cameras/<cameraId>/zones/<zone>/<label>} (retained): the objects of
     * {@code label} in the zone; a label's {@code / + #} become {@code _} (a topic level cannot hold them).
     */
    public String zoneCount(String cameraId, String zone, String label) {
        return "haste/" + gatewayId + "/cameras/" + cameraId + "/zones/" + zone + "/" + label.replaceAll("[/+#\\u0000]", "_");
    }

    /** Whether {@code topic} is the events topic or a zone count: the gateway's alone (plugins may not publish there). */
    public boolean isZoneState(String topic) {
        String prefix = "haste/" + gatewayId + "/";
        return topic.equals(events()) || (topic.startsWith(prefix + "cameras/") && topic.substring(prefix.length()).split("/", -1).length >= 4
                && topic.substring(prefix.length()).split("/", -1)[2].equals("zones"));
    }

    /**
     * What the gateway subscribes to: the frames at {@code frameQos}, and the control topics at
     * QoS 1 with Retain As Published (a retained command keeps its flag when delivered live, so it is refused).
     */
    public List<Subscription> subscriptions(int frameQos) {
        List<Subscription> all = new java.util.ArrayList<>();
        all.add(new Subscription(frameSubscription(), frameQos, false));
        for (String control : controlFilters()) {
            all.add(new Subscription(control, 1, true));
        }
        return all;
    }

    /** Whether {@code topic} is a camera's availability ({@code haste/<gw>/cameras/<camera>/availability}): the gateway's alone. */
    public boolean isCameraAvailability(String topic) {
        String prefix = "haste/" + gatewayId + "/cameras/";
        return topic.startsWith(prefix) && topic.endsWith("/availability") && topic.substring(prefix.length()).split("/", -1).length == 2;
    }

    /** A topic shortened for log lines (camera ids come from outside and may be very long). */
    public static String abbreviated(String topic) {
        return topic.length() <= 200 ? topic : topic.substring(0, 200) + "... (" + topic.length() + " characters)";
    }
}
