package io.hastegw.daemon;

/** A start-up failure with a one-line reason (printed as {@code haste-gateway: <reason>}, exit status 1); keeps its cause. */
public final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failure with {@code message} and no underlying exception. */
    public StartupException(String message) {
        super(message);
    }

    /** A failure with {@code message}, caused by {@code cause}. */
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
