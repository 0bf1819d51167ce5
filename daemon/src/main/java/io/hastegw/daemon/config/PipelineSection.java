package io.hastegw.daemon.config;

import io.hastegw.daemon.config.ConfigEnums.DropPolicy;
import java.util.List;

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
public record PipelineSection(int workers, int maxPayloadBytes, int queuePerCamera, int maxInFlight, String dropPolicy,
                              int maxCameras, long shutdownGraceMs, int maxImagePixels, long decodeMemoryBytes, long maxQueuedBytes,
                              int maxCameraIdLength, int maxTrackedCameras, long cameraIdleSeconds, long heavyImagePixels, String preprocessor,
                              List<String> postProcessors) {
    /** Copies the list (none: empty). */
    public PipelineSection {
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

    /** {@code dropPolicy} as its constant (validated at load). */
    public DropPolicy drop() {
        return ConfigChecks.Choices.parse(DropPolicy.class, dropPolicy).orElseThrow();
    }

    /** Adds the problems of this section to {@code c}. */
    void validate(ConfigChecks c) {
        c.check(workers >= 1 && workers <= 64, "pipeline.workers", "1 to 64", workers);
        c.check(maxPayloadBytes >= 64 && maxPayloadBytes <= 256 << 20, "pipeline.max_payload_bytes", "64 to 268435456", maxPayloadBytes);
        c.check(queuePerCamera >= 1 && queuePerCamera <= 1024, "pipeline.queue_per_camera", "1 to 1024", queuePerCamera);
        c.check(maxInFlight >= 1 && maxInFlight <= 1024, "pipeline.max_in_flight", "1 to 1024", maxInFlight);
        c.choice(DropPolicy.class, "pipeline.drop_policy", dropPolicy);
        c.check(maxCameras >= 1 && maxCameras <= 100_000, "pipeline.max_cameras", "1 to 100000", maxCameras);
        c.check(shutdownGraceMs >= 0, "pipeline.shutdown_grace_ms", "0 or more", shutdownGraceMs);
        c.check(maxImagePixels >= 1, "pipeline.max_image_pixels", "1 or more", maxImagePixels);
        c.check(decodeMemoryBytes >= 0, "pipeline.decode_memory_bytes", "0 (derived from the heap) or more", decodeMemoryBytes);
        c.check(maxQueuedBytes >= 0, "pipeline.max_queued_bytes", "0 (derived from the heap) or more", maxQueuedBytes);
        c.check(maxCameraIdLength >= 1 && maxCameraIdLength <= 1024, "pipeline.max_camera_id_length", "1 to 1024", maxCameraIdLength);
        c.check(maxTrackedCameras >= 1 && maxTrackedCameras <= 100_000, "pipeline.max_tracked_cameras", "1 to 100000", maxTrackedCameras);
        c.check(cameraIdleSeconds >= 1, "pipeline.camera_idle_seconds", "1 or more", cameraIdleSeconds);
        c.check(preprocessor != null && !preprocessor.isBlank(), "pipeline.preprocessor", "card or the name of a plugin's preprocessor",
                preprocessor);
        c.check(heavyImagePixels >= 1, "pipeline.heavy_image_pixels", "1 or more", heavyImagePixels);
    }
}
