package io.hastegw.op.detection;

/**
 * A detector's output that cannot be decoded into trustworthy boxes (a NaN or infinite score or
 * box coordinate): the frame gets no detections rather than wrong ones.
 */
public final class InvalidOutputException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An output problem described by {@code message}. */
    public InvalidOutputException(String message) {
        super(message);
    }
}
