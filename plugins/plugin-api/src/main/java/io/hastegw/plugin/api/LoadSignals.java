package io.hastegw.plugin.api;

/**
 * What a {@link CompressionPolicy} sees once per sampling period. Figures that are unknown (no
 * frame in the window, a sensor the board lacks or that failed) are {@code NaN}.
 *
 * @param frames             predictions published since the last change (within the window)
 * @param p95LatencyMs       95th percentile of frame latency, arrival to prediction (queue, decode, inference)
 * @param inferenceP95Ms     95th percentile of the model run alone
 * @param queueP95Ms         95th percentile of the time frames waited for a worker (the part serving fewer frames shortens)
 * @param framesPerSecond    predictions per second over the window
 * @param dropRate           share of arriving frames dropped by back-pressure (0..1; shed frames not included)
 * @param queued             frames waiting now
 * @param boardCpu           the whole board's CPU use over the last period (0..1 of all cores)
 * @param processCpu         the gateway's own share of it (0..1 of all cores)
 * @param temperatureC       the hottest thermal zone
 * @param level              the compression level in use
 * @param shedEvery          frame shedding in use: 1 serves every frame, k serves one frame in k of every camera
 * @param stepDownLoadFactor how much the gateway's work is expected to grow if the controller took one step back
 *                           (to the next lower level, or less shedding), from the device's measured costs; NaN when
 *                           there is no step back
 */
public record LoadSignals(int frames, double p95LatencyMs, double inferenceP95Ms, double queueP95Ms, double framesPerSecond, double dropRate,
                          int queued, double boardCpu, double processCpu, double temperatureC, int level, int shedEvery,
                          double stepDownLoadFactor) {}
