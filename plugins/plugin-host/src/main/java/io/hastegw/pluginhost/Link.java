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
 * stream (a Unix socket). Sending is thread-safe; one thread reads.
 */
public final class Link implements AutoCloseable {
    /** Writes a message's body. */
    public interface Body {
        /** Writes the body to {@code out}. */
        void write(DataOutputStream out) throws IOException;
    }

    /** A message read: its op, id and body. */
    public record Message(Op op, int id, DataInputStream body) {}

    private static final Body EMPTY = out -> { };
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
        if (b.size() > Wire.MAX_MESSAGE_BYTES) {
            throw new IOException(op + " message of " + b.size() + " bytes is over " + Wire.MAX_MESSAGE_BYTES);
        }
        // A socket channel closes itself when a thread writing to it is interrupted: the link would end for everyone.
        boolean interrupted = Thread.interrupted();
        try {
            synchronized (out) {
                out.writeInt(b.size() + 5);
                out.writeByte(op.ordinal());
                out.writeInt(id);
                b.writeTo(out);
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
        if (length < 5 || length - 5 > Wire.MAX_MESSAGE_BYTES) {
            throw new IOException("message length " + length + " is not valid");
        }
        int code = in.readUnsignedByte();
        Op op = Op.of(code);
        int id = in.readInt();
        byte[] body = new byte[length - 5];
        in.readFully(body);
        if (op == null) {
            throw new IOException("unknown message " + code);
        }
        return new Message(op, id, new DataInputStream(new ByteArrayInputStream(body)));
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
