package io.hastegw.plugin.api;

/**
 * Limits of the gateway's pipeline (docs/configuration.md, {@code pipeline.*}) that decoders and
 * sources must honour, so that no frame, however crafted, exhausts the board.
 *
 * @param maxPayloadBytes     largest encoded frame accepted
 * @param maxImagePixels      largest width x height decoded at all
 * @param decodeMemoryBytes   working memory one frame's decoding may take
 * @param stageTimeoutMs      how long one call of a plugin's stage may take ({@code plugins.stage_timeout_ms}); a
 *                            stage that retries (a webhook) must finish its attempts within it
 */
public record PipelineLimits(long maxPayloadBytes, long maxImagePixels, long decodeMemoryBytes, long stageTimeoutMs) {}
