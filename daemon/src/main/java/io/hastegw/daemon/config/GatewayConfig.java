package io.hastegw.daemon.config;

import io.hastegw.daemon.control.ControlSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's whole configuration, immutable. Keys are snake_case in files, environment and
 * flags (see docs/configuration.md); {@link #validate()} names every bad key and its allowed values.
 *
 * @param gatewayId identifies this gateway in every topic
 * @param mqtt      broker connection and topics
 * @param model     the model and how to run it
 * @param pipeline  queues, workers and limits
 * @param http      the observability endpoint
 * @param control   the compression controller, remote control and its authorisation
 * @param energy    energy estimates and the board's meter
 * @param plugins   where plugins are loaded from, which are enabled, their configuration and their fault limits
 * @param homeassistant Home Assistant MQTT discovery
 * @param detection a detector's decoding overrides and its cameras' zones
 */
public record GatewayConfig(String gatewayId, Mqtt mqtt, Model model, Pipeline pipeline, Http http, Control control, Energy energy,
                            Plugins plugins, HomeAssistant homeassistant, DetectionConfig detection) {

    /**
     * Home Assistant MQTT discovery (docs/operator-guide.md "Home Assistant").
     *
     * @param enabled         publish discovery configs (retained) and the statistics they read
     * @param discoveryPrefix Home Assistant's discovery prefix
     * @param statsPeriodS    how often {@code haste/<gateway_id>/stats} (frames/s per camera, p95, energy saved) is published
     */
    public record HomeAssistant(boolean enabled, String discoveryPrefix, long statsPeriodS) {}

    /**
     * The plugin runtime (docs/plugins.md).
     *
     * @param builtinDir     the built-in plugins' folder; null: the {@code plugins} folder next to the gateway's jar
     * @param dir            the operator's plugins folder; null: none
     * @param stageTimeoutMs how long one call of a plugin's stage may take before it counts as failed (its frame is answered)
     * @param maxFailures    consecutive failures (throws, time-outs) after which a plugin is disabled
     * @param sinkQueue      predictions waiting per sink; beyond it the sink's predictions are dropped and counted
     * @param settings       per plugin id: whether it is enabled (built-in ones are unless set false; the operator's only
     *                       when set true) and its configuration
     */
    public record Plugins(String builtinDir, String dir, long stageTimeoutMs, int maxFailures, int sinkQueue,
                          Map<String, PluginSettings> settings) {
        /** Copies the settings (none: an empty map). */
        public Plugins {
            settings = settings == null ? Map.of() : Map.copyOf(settings);
        }
    }

    /**
     * One plugin's settings.
     *
     * @param enabled load it (null: built-in plugins yes, the operator's no)
     * @param config  its configuration, checked against the JSON Schema in its descriptor (null: empty)
     */
    public record PluginSettings(Boolean enabled, Map<String, Object> config) {}

    /**
     * Energy per inference (docs/energy.md).
     *
     * @param meter          {@code auto}: read the board's meter (RAPL, INA3221) when there is one; {@code none}
     * @param summaryPeriodS how often the retained energy summary is published
     * @param model          the energy model by name: {@code profile} (the built-in energy-profiles plugin's) or another
     *                       plugin's
     */
    public record Energy(String meter, long summaryPeriodS, String model) {}

    /**
     * The compression controller (docs/operator-guide.md "Adaptive control"). The operator's
     * settings ({@code mode} .. {@code shedding}) are the start values; once changed over MQTT
     * they persist in {@code state_file} and win over these at the next start.
     *
     * @param mode              {@code auto} (follow the load), {@code fixed} (run {@code model.level}) or {@code off} (dense)
     * @param minLevel          lowest level of {@code auto}
     * @param maxLevel          highest level of {@code auto}; -1: the model's highest
     * @param policy            {@code latency} (p95 frame latency under a target) or {@code cpu} (board CPU under a budget)
     * @param latencyTargetMs   the p95 target; 0: derived at start, twice the dense model's measured time plus 10 ms
     * @param cpuBudgetPercent  the cpu policy's budget, percent of all cores
     * @param shedding          let {@code auto} shed frames (one in k of every camera) once its highest useful level is not enough
     * @param maxShedEvery      the most shedding: one frame in this many per camera
     * @param samplePeriodMs    how often load is sampled and the controller decides
     * @param windowMs          the latency window the p95 is taken over
     * @param dwellMs           least time between two changes of level or shedding
     * @param hysteresis        margin under the target a step back must keep (0..0.9)
     * @param stateFile         where the operator's settings persist; null: {@code $STATE_DIRECTORY/control-state.json}
     *                          when systemd sets STATE_DIRECTORY, else not persisted
     * @param hmacKeyFile       a file holding the shared secret that every control command must be signed with
     *                          (HMAC-SHA256); null: commands are authorised by the broker's ACL alone
     * @param hmacWindowSeconds how far a signed command's timestamp may be from this gateway's clock
     */
    public record Control(String mode, int minLevel, int maxLevel, String policy, double latencyTargetMs, double cpuBudgetPercent,
                          boolean shedding, int maxShedEvery, long samplePeriodMs, long windowMs, long dwellMs, double hysteresis,
                          String stateFile, String hmacKeyFile, long hmacWindowSeconds) {}

    /**
     * Broker connection.
     *
     * @param host             broker host; null (none configured) starts the embedded broker
     * @param port             broker port
     * @param clientId         MQTT client id (default {@code haste-<gateway_id>})
     * @param username         user name, or null
     * @param password         password, or null (masked by --print-config)
     * @param tls              TLS settings
     * @param keepAliveSeconds MQTT keep-alive
     * @param frameTopic       topic filter for frames; {@code {gateway_id}} is replaced; one {@code +} marks the camera id
     * @param sharedGroup      if set, frames are subscribed as {@code $share/<group>/<filter>}
     * @param qos              QoS of the frame subscription (0 or 1)
     * @param publishPredictions publish each prediction on its camera's predictions topic (false: the other sinks only)
     * @param predictionQos    QoS of the prediction messages (0 or 1)
     * @param reconnectMinMs   first reconnect delay
     * @param reconnectMaxMs   largest reconnect delay (the delay doubles up to it)
     * @param embeddedBrokerLib folder of the embedded broker's jars (used when {@code host} is null)
     * @param replyTopicPrefix the only topics a control request may name as its response topic; {@code {gateway_id}} is replaced
     */
    public record Mqtt(String host, int port, String clientId, String username, String password, Tls tls,
                       int keepAliveSeconds, String frameTopic, String sharedGroup, int qos, boolean publishPredictions,
                       int predictionQos, long reconnectMinMs, long reconnectMaxMs, String embeddedBrokerLib, String replyTopicPrefix) {
        /** This connection pointed at {@code newHost}:{@code newPort} (the embedded broker once it runs). */
        public Mqtt at(String newHost, int newPort) {
            return new Mqtt(newHost, newPort, clientId, username, password, tls, keepAliveSeconds, frameTopic, sharedGroup, qos,
                    publishPredictions, predictionQos, reconnectMinMs, reconnectMaxMs, embeddedBrokerLib, replyTopicPrefix);
        }
    }

    /**
     * TLS to the broker.
     *
     * @param enabled  use TLS
     * @param caFile   PEM CA certificate(s) to trust
     * @param certFile PEM client certificate, or null
     * @param keyFile  PEM client key (PKCS#8), or null
     */
    public record Tls(boolean enabled, String caFile, String certFile, String keyFile) {}

    /**
     * The model.
     *
     * @param path                ONNX model (plain or HASTE)
     * @param card                its JSON model card
     * @param level               compression level to run (0 = dense)
     * @param intraOpThreads      ONNX Runtime intra-op threads
     * @param optimization        ONNX Runtime graph optimisation: none, basic, extended, all
     * @param kernel              HASTE layers: auto (the native kernel when it loads, else portable with a warning) or portable
     * @param costPlan            run each level with the device's measured plan (HASTE only where it is faster)
     * @param costCache           folder of cost plans (null: the temporary folder's haste-gateway/cost)
     * @param calibrationImages   folder of real images to calibrate on (null: synthetic images)
     * @param streamReuse         HASTE stream reuse: a camera's frames share a recent frame's buckets and merged filters
     */
    public record Model(String path, String card, int level, int intraOpThreads, String optimization, String kernel,
                        boolean costPlan, String costCache, String calibrationImages, StreamReuse streamReuse) {}

    /**
     * HASTE stream reuse (io.hastegw.op.runtime.ReusePolicy has the refresh rules).
     *
     * @param enabled          reuse a camera's kept state on its next frames (false: every frame hashes and merges afresh)
     * @param refreshEvery     refresh at the latest every this many frames of a camera
     * @param driftThreshold   refresh at once when the frame's signature distance from the refresh frame's exceeds this (0..2)
     * @param quietAfterMs     a camera silent this long refreshes on its next frame
     * @param memoryBudgetMb   native memory all cameras' kept states may take together; beyond it the least recently
     *                         used camera's state is dropped
     */
    public record StreamReuse(boolean enabled, int refreshEvery, double driftThreshold, long quietAfterMs, long memoryBudgetMb) {}

    /**
     * The frame pipeline.
     *
     * @param workers          inference worker threads
     * @param maxPayloadBytes  largest frame accepted
     * @param queuePerCamera   frames waiting per camera
     * @param maxInFlight      frames decoded or inferred at once, all cameras together
     * @param dropPolicy       {@code drop_oldest} or {@code drop_newest} when a camera's queue is full
     * @param maxCameras       distinct cameras with frames waiting at once
     * @param shutdownGraceMs  how long SIGTERM waits for in-flight frames
     * @param maxImagePixels   largest image (width x height, from its header) decoded at all
     * @param decodeMemoryBytes working memory one frame's decoding may need (0: a quarter of the heap shared by the workers)
     * @param maxQueuedBytes   payload bytes waiting in all queues together (0: a quarter of the heap)
     * @param maxCameraIdLength longest camera id accepted (characters)
     * @param maxTrackedCameras cameras with their own metrics series; the rest share the series {@code other}
     * @param cameraIdleSeconds a camera silent this long is forgotten (its series removed)
     * @param heavyImagePixels  frames whose header declares more pixels are decoded in the heavy lane (one worker of their own)
     * @param preprocessor      {@code card} (the model card's resize and normalisation) or a plugin preprocessor's name
     * @param postProcessors    the post-processors that run first, in this order (stage names); the others follow
     */
    public record Pipeline(int workers, int maxPayloadBytes, int queuePerCamera, int maxInFlight, String dropPolicy,
                           int maxCameras, long shutdownGraceMs, int maxImagePixels, long decodeMemoryBytes, long maxQueuedBytes,
                           int maxCameraIdLength, int maxTrackedCameras, long cameraIdleSeconds, long heavyImagePixels, String preprocessor,
                           List<String> postProcessors) {
        /** Copies the list (none: empty). */
        public Pipeline {
            postProcessors = postProcessors == null ? List.of() : List.copyOf(postProcessors);
        }

        /**
         * The decoding memory budget of one frame: {@code decodeMemoryBytes}, or a quarter of
         * {@code maxHeap} over the frames that can decode at once (the workers and the heavy lane).
         */
        public long decodeBudget(long maxHeap) {
            return decodeMemoryBytes > 0 ? decodeMemoryBytes : maxHeap / 4 / (workers + 1);
        }

        /** The bound on queued payload bytes: {@code maxQueuedBytes}, or a quarter of {@code maxHeap}. */
        public long queuedBytesBudget(long maxHeap) {
            return maxQueuedBytes > 0 ? maxQueuedBytes : maxHeap / 4;
        }
    }

    /**
     * The HTTP endpoint (/health, /metrics, /status) and the operator console.
     *
     * @param enabled          serve it
     * @param host             bind address (loopback by default)
     * @param port             port
     * @param console          serve the live operator console at {@code /console/} (docs/operator-guide.md "Console")
     * @param consoleTokenFile a file holding the token the console's control requests must carry ({@code X-Haste-Token});
     *                         null: the console is read-only
     * @param latestFramesMb   memory the cameras' latest frames ({@code /cameras/<id>/latest.jpg}) may take together
     * @param allowedHosts     host names requests may carry in their Host header besides IP addresses, localhost and this
     *                         machine's own name (a name a DNS-rebinding page could point at the gateway is refused)
     */
    public record Http(boolean enabled, String host, int port, boolean console, String consoleTokenFile, long latestFramesMb,
                       List<String> allowedHosts) {
        /** The configured names, never null. */
        public Http {
            allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        }
    }

    /** The allowed drop policies. */
    public static final List<String> DROP_POLICIES = List.of("drop_oldest", "drop_newest");
    /** The allowed optimisation levels. */
    public static final List<String> OPTIMIZATIONS = List.of("none", "basic", "extended", "all");
    /** Allowed values of model.kernel. */
    public static final List<String> KERNELS = List.of("auto", "portable");

    /** Whether no broker is configured, so the gateway starts its embedded one. */
    public boolean embeddedBroker() {
        return mqtt.host == null || mqtt.host.isBlank();
    }

    /** This configuration with the broker at {@code host}:{@code port}. */
    public GatewayConfig withBroker(String host, int port) {
        return new GatewayConfig(gatewayId, mqtt.at(host, port), model, pipeline, http, control, energy, plugins, homeassistant, detection);
    }

    /** The frame topic filter with the gateway id filled in (without any shared-subscription prefix). */
    public String frameFilter() {
        return mqtt.frameTopic.replace("{gateway_id}", gatewayId);
    }

    /** The response-topic prefix with the gateway id filled in. */
    public String replyTopicPrefix() {
        return mqtt.replyTopicPrefix.replace("{gateway_id}", gatewayId);
    }

    /** The MQTT client id actually used. */
    public String clientId() {
        return mqtt.clientId == null || mqtt.clientId.isBlank() ? "haste-" + gatewayId : mqtt.clientId;
    }

    /** Every problem with this configuration, one message per bad key; empty when valid. */
    public List<String> validate() {
        List<String> errors = new ArrayList<>();
        check(errors, gatewayId != null && gatewayId.matches("[A-Za-z0-9_-]{1,64}"), "gateway_id",
                "1-64 characters of A-Z a-z 0-9 _ -", gatewayId);
        if (mqtt == null || model == null || pipeline == null || http == null || control == null || energy == null || plugins == null
                || homeassistant == null || detection == null) {
            errors.add("sections mqtt, model, pipeline, http, control, energy, plugins, homeassistant and detection are required");
            return errors;
        }
        check(errors, !embeddedBroker() || (mqtt.embeddedBrokerLib != null && !mqtt.embeddedBrokerLib.isBlank()),
                "mqtt.embedded_broker_lib", "the embedded broker's jar folder when mqtt.host is not set (or set mqtt.host)", null);
        check(errors, !embeddedBroker() || mqtt.tls == null || !mqtt.tls.enabled, "mqtt.tls.enabled", "false with the embedded broker",
                true);
        check(errors, mqtt.port > 0 && mqtt.port < 65536, "mqtt.port", "1 to 65535", mqtt.port);
        check(errors, mqtt.keepAliveSeconds >= 0, "mqtt.keep_alive_seconds", "0 or more", mqtt.keepAliveSeconds);
        check(errors, mqtt.qos == 0 || mqtt.qos == 1, "mqtt.qos", "0 or 1", mqtt.qos);
        check(errors, mqtt.predictionQos == 0 || mqtt.predictionQos == 1, "mqtt.prediction_qos", "0 or 1", mqtt.predictionQos);
        check(errors, mqtt.frameTopic != null && mqtt.frameTopic.split("/", -1).length > 1
                && java.util.Arrays.stream(mqtt.frameTopic.split("/", -1)).filter("+"::equals).count() == 1
                && !mqtt.frameTopic.contains("#") && !mqtt.frameTopic.startsWith("$share/"),
                "mqtt.frame_topic", "a topic filter with exactly one '+' (the camera id), no '#', no $share prefix", mqtt.frameTopic);
        check(errors, mqtt.sharedGroup == null || mqtt.sharedGroup.matches("[A-Za-z0-9_-]{1,64}"), "mqtt.shared_group",
                "empty, or 1-64 characters of A-Z a-z 0-9 _ -", mqtt.sharedGroup);
        check(errors, mqtt.reconnectMinMs > 0 && mqtt.reconnectMaxMs >= mqtt.reconnectMinMs, "mqtt.reconnect_max_ms",
                "at least mqtt.reconnect_min_ms (> 0)", mqtt.reconnectMaxMs);
        check(errors, mqtt.tls != null, "mqtt.tls", "an object", null);
        check(errors, mqtt.replyTopicPrefix != null && mqtt.replyTopicPrefix.endsWith("/") && mqtt.replyTopicPrefix.length() > 1
                && !mqtt.replyTopicPrefix.contains("+") && !mqtt.replyTopicPrefix.contains("#") && !mqtt.replyTopicPrefix.startsWith("$"),
                "mqtt.reply_topic_prefix", "a topic prefix ending in '/', without wildcards or a leading '$'", mqtt.replyTopicPrefix);
        if (mqtt.tls != null && mqtt.tls.enabled) {
            check(errors, mqtt.tls.caFile != null, "mqtt.tls.ca_file", "a PEM file when TLS is enabled", null);
            check(errors, (mqtt.tls.certFile == null) == (mqtt.tls.keyFile == null), "mqtt.tls.key_file",
                    "set together with mqtt.tls.cert_file", mqtt.tls.keyFile);
        }
        check(errors, model.path != null && !model.path.isBlank(), "model.path", "the ONNX model file", model.path);
        check(errors, model.card != null && !model.card.isBlank(), "model.card", "the model card file", model.card);
        check(errors, model.level >= 0, "model.level", "0 or more (0 = dense)", model.level);
        check(errors, model.intraOpThreads >= 1 && model.intraOpThreads <= 64, "model.intra_op_threads", "1 to 64", model.intraOpThreads);
        check(errors, model.optimization != null && OPTIMIZATIONS.contains(model.optimization.toLowerCase(Locale.ROOT)),
                "model.optimization", "one of " + String.join(", ", OPTIMIZATIONS), model.optimization);
        check(errors, KERNELS.contains(model.kernel), "model.kernel", "one of " + String.join(", ", KERNELS), model.kernel);
        StreamReuse reuse = model.streamReuse;
        check(errors, reuse != null, "model.stream_reuse", "an object", null);
        if (reuse != null) {
            check(errors, reuse.refreshEvery >= 1 && reuse.refreshEvery <= 100_000, "model.stream_reuse.refresh_every", "1 to 100000",
                    reuse.refreshEvery);
            check(errors, reuse.driftThreshold >= 0 && reuse.driftThreshold <= 2, "model.stream_reuse.drift_threshold", "0 to 2",
                    reuse.driftThreshold);
            check(errors, reuse.quietAfterMs >= 1, "model.stream_reuse.quiet_after_ms", "1 or more", reuse.quietAfterMs);
            check(errors, reuse.memoryBudgetMb >= 1 && reuse.memoryBudgetMb <= 1 << 20, "model.stream_reuse.memory_budget_mb",
                    "1 to 1048576", reuse.memoryBudgetMb);
        }
        check(errors, pipeline.workers >= 1 && pipeline.workers <= 64, "pipeline.workers", "1 to 64", pipeline.workers);
        check(errors, pipeline.maxPayloadBytes >= 64 && pipeline.maxPayloadBytes <= 256 << 20, "pipeline.max_payload_bytes",
                "64 to 268435456", pipeline.maxPayloadBytes);
        check(errors, pipeline.queuePerCamera >= 1 && pipeline.queuePerCamera <= 1024, "pipeline.queue_per_camera", "1 to 1024",
                pipeline.queuePerCamera);
        check(errors, pipeline.maxInFlight >= 1 && pipeline.maxInFlight <= 1024, "pipeline.max_in_flight", "1 to 1024", pipeline.maxInFlight);
        check(errors, pipeline.dropPolicy != null && DROP_POLICIES.contains(pipeline.dropPolicy), "pipeline.drop_policy",
                "one of " + String.join(", ", DROP_POLICIES), pipeline.dropPolicy);
        check(errors, pipeline.maxCameras >= 1 && pipeline.maxCameras <= 100_000, "pipeline.max_cameras", "1 to 100000", pipeline.maxCameras);
        check(errors, pipeline.shutdownGraceMs >= 0, "pipeline.shutdown_grace_ms", "0 or more", pipeline.shutdownGraceMs);
        check(errors, pipeline.maxImagePixels >= 1, "pipeline.max_image_pixels", "1 or more", pipeline.maxImagePixels);
        check(errors, pipeline.decodeMemoryBytes >= 0, "pipeline.decode_memory_bytes", "0 (derived from the heap) or more",
                pipeline.decodeMemoryBytes);
        check(errors, pipeline.maxQueuedBytes >= 0, "pipeline.max_queued_bytes", "0 (derived from the heap) or more", pipeline.maxQueuedBytes);
        check(errors, pipeline.maxCameraIdLength >= 1 && pipeline.maxCameraIdLength <= 1024, "pipeline.max_camera_id_length", "1 to 1024",
                pipeline.maxCameraIdLength);
        check(errors, pipeline.maxTrackedCameras >= 1 && pipeline.maxTrackedCameras <= 100_000, "pipeline.max_tracked_cameras",
                "1 to 100000", pipeline.maxTrackedCameras);
        check(errors, pipeline.cameraIdleSeconds >= 1, "pipeline.camera_idle_seconds", "1 or more", pipeline.cameraIdleSeconds);
        check(errors, pipeline.preprocessor != null && !pipeline.preprocessor.isBlank(), "pipeline.preprocessor",
                "card or the name of a plugin's preprocessor", pipeline.preprocessor);
        check(errors, pipeline.heavyImagePixels >= 1, "pipeline.heavy_image_pixels", "1 or more", pipeline.heavyImagePixels);
        check(errors, ControlSettings.MODES.contains(control.mode), "control.mode", "one of auto, fixed, off", control.mode);
        check(errors, control.minLevel >= 0, "control.min_level", "0 or more", control.minLevel);
        check(errors, control.maxLevel == -1 || control.maxLevel >= control.minLevel, "control.max_level",
                "-1 (the model's highest) or at least control.min_level", control.maxLevel);
        check(errors, control.policy != null && !control.policy.isBlank(), "control.policy",
                "latency, cpu or the name of a plugin's compression policy", control.policy);
        check(errors, control.latencyTargetMs >= 0 && control.latencyTargetMs <= 600_000, "control.latency_target_ms",
                "0 (derived at start) to 600000", control.latencyTargetMs);
        check(errors, control.cpuBudgetPercent >= 1 && control.cpuBudgetPercent <= 100, "control.cpu_budget_percent", "1 to 100",
                control.cpuBudgetPercent);
        check(errors, control.maxShedEvery >= 1 && control.maxShedEvery <= 100, "control.max_shed_every", "1 to 100", control.maxShedEvery);
        check(errors, control.samplePeriodMs >= 50 && control.samplePeriodMs <= 600_000, "control.sample_period_ms", "50 to 600000",
                control.samplePeriodMs);
        check(errors, control.windowMs >= control.samplePeriodMs && control.windowMs <= 3_600_000, "control.window_ms",
                "control.sample_period_ms to 3600000", control.windowMs);
        check(errors, control.dwellMs >= 0 && control.dwellMs <= 3_600_000, "control.dwell_ms", "0 to 3600000", control.dwellMs);
        check(errors, control.hysteresis >= 0 && control.hysteresis <= 0.9, "control.hysteresis", "0 to 0.9", control.hysteresis);
        check(errors, control.hmacWindowSeconds >= 1 && control.hmacWindowSeconds <= 3600, "control.hmac_window_seconds", "1 to 3600",
                control.hmacWindowSeconds);
        check(errors, "auto".equals(energy.meter) || "none".equals(energy.meter), "energy.meter", "auto or none", energy.meter);
        check(errors, energy.summaryPeriodS >= 1 && energy.summaryPeriodS <= 86_400, "energy.summary_period_s", "1 to 86400",
                energy.summaryPeriodS);
        check(errors, energy.model != null && !energy.model.isBlank(), "energy.model", "profile or the name of a plugin's energy model",
                energy.model);
        check(errors, homeassistant.discoveryPrefix != null && homeassistant.discoveryPrefix.matches("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*"),
                "homeassistant.discovery_prefix", "a topic prefix of A-Z a-z 0-9 _ - levels, without wildcards", homeassistant.discoveryPrefix);
        check(errors, homeassistant.statsPeriodS >= 1 && homeassistant.statsPeriodS <= 3600, "homeassistant.stats_period_s", "1 to 3600",
                homeassistant.statsPeriodS);
        check(errors, plugins.stageTimeoutMs >= 1 && plugins.stageTimeoutMs <= 600_000, "plugins.stage_timeout_ms", "1 to 600000",
                plugins.stageTimeoutMs);
        check(errors, plugins.maxFailures >= 1 && plugins.maxFailures <= 1_000_000, "plugins.max_failures", "1 to 1000000", plugins.maxFailures);
        check(errors, plugins.sinkQueue >= 1 && plugins.sinkQueue <= 1_000_000, "plugins.sink_queue", "1 to 1000000", plugins.sinkQueue);
        plugins.settings.forEach((id, p) -> check(errors, p != null, "plugins.settings." + id, "an object with enabled and config", null));
        check(errors, !plugins.settings.containsKey("mqtt-sink"), "plugins.settings.mqtt-sink",
                "absent: the mqtt-sink plugin is gone, the gateway publishes predictions itself (mqtt.publish_predictions, mqtt.prediction_qos)", "set");
        check(errors, !http.enabled || (http.port > 0 && http.port < 65536), "http.port", "1 to 65535", http.port);
        check(errors, !http.enabled || (http.host != null && !http.host.isBlank()), "http.host", "a bind address", http.host);
        check(errors, !http.console || http.enabled, "http.console", "false unless http.enabled is true (the console is served by it)", true);
        check(errors, http.latestFramesMb >= 1 && http.latestFramesMb <= 4096, "http.latest_frames_mb", "1 to 4096", http.latestFramesMb);
        http.allowedHosts.forEach(h -> check(errors, h != null && h.matches("[A-Za-z0-9.-]{1,253}"), "http.allowed_hosts",
                "host names (letters, digits, dots and hyphens, no port)", h));
        errors.addAll(detection.validate(pipeline.maxCameraIdLength));
        return errors;
    }

    private static void check(List<String> errors, boolean ok, String key, String allowed, Object value) {
        if (!ok) {
            errors.add("key '" + key + "' must be " + allowed + " (got " + (value == null ? "nothing" : "'" + value + "'") + ")");
        }
    }
}
