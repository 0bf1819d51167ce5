package io.hastegw.daemon.plugin;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which plugin each thread is running, kept in a small memory-mapped file so that it outlives
 * the process: writes to the mapping land in the page cache at once, so after a {@code halt}, a
 * {@code kill -9}, a JVM crash or an exit nobody cleaned up after, the next start reads which
 * plugin calls were under way ({@link #unclean()}). A clean stop marks the file clean
 * ({@link #closeClean()}). One slot per thread (up to {@value #SLOTS} threads; beyond that threads
 * share slots and attribution can be lost); entering a call is a handful of stores into the
 * mapping, no system call. Thread-safe.
 */
final class CallLedger implements AutoCloseable {
    /** Threads with a slot of their own. */
    static final int SLOTS = 512;
    private static final int HEADER = 64;
    private static final int SLOT = 128;
    private static final int MAGIC = 0x48474c31;
    private static final int TEXT = SLOT - 12;

    /** A plugin call under way when the previous run ended: the plugin, the call (stage), the thread's id. */
    record Call(String plugin, String what, long threadId) {}

    /** A ledger that records nothing (no state folder). */
    static final CallLedger NONE = new CallLedger(null, List.of());

    private final MappedByteBuffer map;
    private final List<Call> unclean;
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final ThreadLocal<Integer> slot = ThreadLocal.withInitial(() -> nextSlot.getAndIncrement() % SLOTS);
    private final Map<String, byte[]> texts = new ConcurrentHashMap<>();

    private CallLedger(MappedByteBuffer map, List<Call> unclean) {
        this.map = map;
        this.unclean = unclean;
    }

    /**
     * Maps {@code file} (created when missing), reads the calls a previous run left under way if
     * it did not end cleanly, and starts a new run (every slot free, the file marked in use).
     */
    static CallLedger open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + (long) SLOTS * SLOT);
            List<Call> left = new ArrayList<>();
            if (m.getInt(0) == MAGIC && m.get(8) == 0) {
                for (int i = 0; i < SLOTS; i++) {
                    int base = HEADER + i * SLOT;
                    if (m.get(base + 8) == 1) {
                        left.add(read(m, base));
                    }
                }
            }
            for (int i = 0; i < SLOTS; i++) {
                m.put(HEADER + i * SLOT + 8, (byte) 0);
            }
            m.putInt(0, MAGIC);
            m.putLong(16, ProcessHandle.current().pid());
            m.put(8, (byte) 0);
            return new CallLedger(m, List.copyOf(left));
        }
    }

    private static Call read(MappedByteBuffer m, int base) {
        int len = Math.min(Short.toUnsignedInt(m.getShort(base + 10)), TEXT);
        byte[] b = new byte[len];
        m.get(base + 12, b);
        String text = new String(b, StandardCharsets.UTF_8);
        int cut = text.indexOf('\n');
        return cut < 0 ? new Call(text, "", m.getLong(base)) : new Call(text.substring(0, cut), text.substring(cut + 1), m.getLong(base));
    }

    /** The calls under way when the previous run ended without a clean stop (empty after a clean one, or a first run). */
    List<Call> unclean() {
        return unclean;
    }

    /** Notes that the current thread enters {@code what} of {@code plugin}; returns the token {@link #exit} takes. */
    int enter(String plugin, String what) {
        if (map == null) {
            return -1;
        }
        int base = HEADER + slot.get() * SLOT;
        byte[] text = texts.computeIfAbsent(plugin + '\n' + what, CallLedger::encode);
        map.putLong(base, Thread.currentThread().getId());
        map.putShort(base + 10, (short) text.length);
        map.put(base + 12, text);
        map.put(base + 8, (byte) 1);
        return base;
    }

    /** The call {@link #enter} returned {@code token} for is over. */
    void exit(int token) {
        if (token >= 0) {
            map.put(token + 8, (byte) 0);
        }
    }

    /** The call the thread {@code threadId} is in now, if any (who called exit). */
    java.util.Optional<Call> current(long threadId) {
        if (map == null) {
            return java.util.Optional.empty();
        }
        for (int i = 0; i < SLOTS; i++) {
            int base = HEADER + i * SLOT;
            if (map.get(base + 8) == 1 && map.getLong(base) == threadId) {
                return java.util.Optional.of(read(map, base));
            }
        }
        return java.util.Optional.empty();
    }

    private static byte[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return b.length <= TEXT ? b : java.util.Arrays.copyOf(b, TEXT);
    }

    /** Marks the run as ended cleanly (a stop that finished): the next start finds no calls under way. */
    void closeClean() {
        if (map != null) {
            for (int i = 0; i < SLOTS; i++) {
                map.put(HEADER + i * SLOT + 8, (byte) 0);
            }
            map.put(8, (byte) 1);
            map.force();
        }
    }

    @Override
    public void close() {
        closeClean();
    }
}
