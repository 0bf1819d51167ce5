package io.hastegw.plugin.api;

/** Stage 1: turns encoded frame bytes of one or more formats into an {@link Image}. */
public interface FrameDecoder {
    /** Whether this decoder handles {@code format} (e.g. {@code jpeg}, {@code png}, {@code raw}). */
    boolean supports(String format);

    /**
     * Decodes {@code payload}.
     *
     * @throws FrameRejectedException with {@link RejectReason#MALFORMED_IMAGE} for corrupt or truncated data
     */
    Image decode(byte[] payload, String format) throws FrameRejectedException;
}
