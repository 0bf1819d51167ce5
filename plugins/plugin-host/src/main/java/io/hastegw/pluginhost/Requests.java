package io.hastegw.pluginhost;

import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests one side of a {@link Link} made and waits for: each gets an id, its answer
 * ({@link Op#REPLY} or {@link Op#FAILED}) completes it, and when the link ends every waiting
 * request fails with the reason. Used by both the gateway and the host.
 */
public final class Requests {
    /** A request answered with {@link Op#FAILED}. */
    public static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Op.Failure failure;
        private final String detail;

        Failed(Op.Failure failure, String message, String detail) {
            super(message);
            this.failure = failure;
            this.detail = detail;
        }

        /** Why it failed. */
        public Op.Failure failure() {
            return failure;
        }

        /** A rejection's reason name ({@code RejectReason}), or null. */
        public String detail() {
            return detail;
        }
    }

    /** The other side did not answer in time; the request is cancelled there. */
    public static final class Late extends Exception {
        private static final long serialVersionUID = 1L;
        private final int id;

        Late(int id, String message) {
            super(message);
            this.id = id;
        }

        /** The request's id (its answer may still come). */
        public int id() {
            return id;
        }
    }

    /** Reads an answer's body. */
    public interface Reader<T> {
        /** The value in {@code body}. */
        T read(DataInputStream body) throws IOException;
    }

    private final Link link;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<DataInputStream>> waiting = new ConcurrentHashMap<>();
    private volatile IOException ended;

    /** Requests over {@code link}. */
    public Requests(Link link) {
        this.link = link;
    }

    /**
     * Sends {@code op} and waits up to {@code timeoutMs} for its answer, read by {@code reader}.
     *
     * @throws Failed      the other side answered that it failed
     * @throws Late        no answer in time ({@link Op#CANCEL} sent)
     * @throws IOException the link ended before the answer
     */
    public <T> T call(Op op, Link.Body body, Reader<T> reader, long timeoutMs) throws Failed, Late, IOException, InterruptedException {
        int id = ids.incrementAndGet();
        CompletableFuture<DataInputStream> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        try {
            if (ended != null) {
                throw ended;
            }
            link.send(op, id, body);
            DataInputStream in = answer.get(timeoutMs, TimeUnit.MILLISECONDS);
            return reader.read(in);
        } catch (TimeoutException e) {
            link.send(Op.CANCEL, id);
            throw new Late(id, op + " not answered within " + timeoutMs + " ms");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Failed f) {
                throw new Failed(f.failure(), f.getMessage(), f.detail());
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } finally {
            waiting.remove(id);
        }
    }

    /** Completes the request {@code m} answers ({@link Op#REPLY} or {@link Op#FAILED}); a late answer is ignored. */
    public void answer(Link.Message m) throws IOException {
        CompletableFuture<DataInputStream> f = waiting.get(m.id());
        if (f == null) {
            return;
        }
        if (m.op() == Op.REPLY) {
            f.complete(m.body());
            return;
        }
        Op.Failure[] all = Op.Failure.values();
        int code = m.body().readByte();
        String message = Wire.string(m.body());
        String detail = Wire.string(m.body());
        f.completeExceptionally(new Failed(code >= 0 && code < all.length ? all[code] : Op.Failure.THREW, message, detail));
    }

    /** The link ended: every waiting request fails with {@code reason}, and later ones at once. */
    public void end(IOException reason) {
        ended = reason;
        waiting.values().forEach(f -> f.completeExceptionally(reason));
    }

    /** Requests still waiting for their answer. */
    public int waiting() {
        return waiting.size();
    }
}
