package io.hastegw.pluginhost;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One end of the gateway-host connection: length-prefixed messages ({@link Op}) over a byte
 * stream (a Unix socket): length, op, id, the tail's length, the body, the tail ({@link Tailed}).
 * Sending is thread-safe; one thread reads.
 */
public final class Link implements AutoCloseable {
    /** Writes a message's body. */
    public interface Body {
        /** Writes the body to {@code out}. */
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * A body whose last part, {@code tail} (a frame's payload), is written to the socket straight
     * from its array, not copied into the message buffer, and read on the other side into an array
     * of its own ({@link Message#tail}): the payload is copied once, by that read.
     */
    public record Tailed(Body head, byte[] tail) implements Body {
        /** Writes the head only; the link writes the tail after it. */
        @Override
        public void write(DataOutputStream out) throws IOException {
            head.write(out);
        }
    }

    /** A message read: its op, id, body and tail (empty unless it was sent {@link Tailed}). */
    public record Message(Op op, int id, DataInputStream body, byte[] tail) {}

    private static final Body EMPTY = out -> { };
    private static final byte[] NO_TAIL = new byte[0];
    /** Length of op, id and the tail's length. */
    private static final int HEADER = 9;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final AutoCloseable channel;
    private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);

    /** Over {@code in} and {@code out} of {@code channel} (closed with the link). */
    public Link(InputStream in, OutputStream out, AutoCloseable channel) {
        this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        this.channel = channel;
    }

    /**
     * A link over {@code channel} (blocking). Its streams call the channel directly: the JDK's
     * {@code Channels.newInputStream} and {@code newOutputStream} share one lock, so a thread
     * waiting to read would block every send.
     */
    public static Link of(java.nio.channels.SocketChannel channel) {
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = 0;
                while (n == 0 && len > 0) {
                    n = channel.read(java.nio.ByteBuffer.wrap(b, off, len));
                }
                return n;
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        };
        return new Link(in, out, channel);
    }

    /** Sends a message with no body. */
    public void send(Op op, int id) throws IOException {
        send(op, id, EMPTY);
    }

    /** Sends {@code op} with {@code id} and the body {@code body} writes. */
    public void send(Op op, int id, Body body) throws IOException {
        Buffer b = buffers.get();
        b.reset();
        body.write(b.data);
        byte[] tail = body instanceof Tailed t ? t.tail() : NO_TAIL;
        long size = (long) b.size() + tail.length;
        if (size > Wire.MAX_MESSAGE_BYTES) {
            throw new IOException(op + " message of " + size + " bytes is over " + Wire.MAX_MESSAGE_BYTES);
        }
        // A socket channel closes itself when a thread writing to it is interrupted: the link would end for everyone.
        boolean interrupted = Thread.interrupted();
        try {
            synchronized (out) {
                out.writeInt((int) size + HEADER);
                out.writeByte(op.ordinal());
                out.writeInt(id);
                out.writeInt(tail.length);
                b.writeTo(out);
                out.write(tail);
                out.flush();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (b.capacity() > 1 << 20) {
            buffers.remove();
        }
    }

    /** Sends {@link Op#FAILED} for request {@code id}; {@code detail}: a rejection's reason name, or null. */
    public void fail(int id, Op.Failure failure, String message, String detail) throws IOException {
        send(Op.FAILED, id, o -> {
            o.writeByte(failure.ordinal());
            Wire.string(o, message);
            Wire.string(o, detail);
        });
    }

    /**
     * The next message (blocks).
     *
     * @throws EOFException when the other end closed the connection
     */
    public Message read() throws IOException {
        int length = in.readInt();
        if (length < HEADER || length - HEADER > Wire.MAX_MESSAGE_BYTES) {
            throw new IOException("message length " + length + " is not valid");
        }
        int code = in.readUnsignedByte();
        Op op = Op.of(code);
        int id = in.readInt();
        int tailLength = in.readInt();
        if (tailLength < 0 || tailLength > length - HEADER) {
            throw new IOException("tail length " + tailLength + " is not valid in a message of " + length + " bytes");
        }
        byte[] body = new byte[length - HEADER - tailLength];
        in.readFully(body);
        byte[] tail = tailLength == 0 ? NO_TAIL : new byte[tailLength];
        in.readFully(tail);
        if (op == null) {
            throw new IOException("unknown message " + code);
        }
        return new Message(op, id, new DataInputStream(new ByteArrayInputStream(body)), tail);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (Exception e) {
            // the connection is gone either way
        }
    }

    /** A reusable body buffer whose bytes are written without another copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        final DataOutputStream data = new DataOutputStream(this);

        Buffer() {
            super(4096);
        }

        int capacity() {
            return buf.length;
        }
    }
}
