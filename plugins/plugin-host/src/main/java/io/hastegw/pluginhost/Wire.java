package io.hastegw.pluginhost;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of values between the gateway and a plugin host ({@link ApiWire} builds the API's values on it): big-endian
 * {@link DataOutputStream} primitives, strings as UTF-8 with a length (null as -1), arrays with
 * a length. Compact and copy-once: a frame's payload and an image's pixels are written as they
 * are. Readers check every length against what is left of the message ({@link #MAX_MESSAGE_BYTES}),
 * so a broken peer cannot make the other side allocate more than one message's worth.
 */
public final class Wire {
    /** The largest message either side accepts (a frame's payload, an image's pixels). */
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    private Wire() {}

    /** A string, or null. */
    public static void string(DataOutputStream out, String s) throws IOException {
        bytes(out, s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A string written by {@link #string(DataOutputStream, String)}. */
    public static String string(DataInputStream in) throws IOException {
        byte[] b = bytes(in);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A byte array, or null. */
    public static void bytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    /** A byte array written by {@link #bytes(DataOutputStream, byte[])}. */
    public static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[length(n, 1)];
        in.readFully(b);
        return b;
    }

    static int length(int n, int unit) throws IOException {
        if (n < 0 || (long) n * unit > MAX_MESSAGE_BYTES) {
            throw new IOException("a length of " + n + " is not valid here");
        }
        return n;
    }

    /** String to string, in order (null: empty). */
    public static void stringMap(DataOutputStream out, Map<String, String> m) throws IOException {
        Map<String, String> map = m == null ? Map.of() : m;
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            string(out, e.getKey());
            string(out, e.getValue());
        }
    }

    /** A map written by {@link #stringMap(DataOutputStream, Map)}, in its order. */
    public static Map<String, String> stringMap(DataInputStream in) throws IOException {
        int n = length(in.readInt(), 2);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(string(in), string(in));
        }
        return m;
    }

    /** A JSON value: null, String, Boolean, a whole number (Long), another Number (Double), List or Map with String keys. */
    public static void json(DataOutputStream out, Object v) throws IOException {
        if (v == null) {
            out.writeByte('n');
        } else if (v instanceof String s) {
            out.writeByte('s');
            string(out, s);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? 't' : 'f');
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.writeByte('l');
            out.writeLong(((Number) v).longValue());
        } else if (v instanceof Number n) {
            out.writeByte('d');
            out.writeDouble(n.doubleValue());
        } else if (v instanceof List<?> list) {
            out.writeByte('a');
            out.writeInt(list.size());
            for (Object o : list) {
                json(out, o);
            }
        } else if (v instanceof Map<?, ?> map) {
            out.writeByte('o');
            out.writeInt(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                string(out, String.valueOf(e.getKey()));
                json(out, e.getValue());
            }
        } else {
            throw new IOException("not a JSON value: " + v.getClass().getName());
        }
    }

    /** A JSON value written by {@link #json(DataOutputStream, Object)}; lists and maps are unmodifiable. */
    public static Object json(DataInputStream in) throws IOException {
        int tag = in.readByte();
        switch (tag) {
            case 'n':
                return null;
            case 's':
                return string(in);
            case 't':
                return Boolean.TRUE;
            case 'f':
                return Boolean.FALSE;
            case 'l':
                return in.readLong();
            case 'd':
                return in.readDouble();
            case 'a': {
                int n = length(in.readInt(), 1);
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(json(in));
                }
                return java.util.Collections.unmodifiableList(list);
            }
            case 'o': {
                int n = length(in.readInt(), 5);
                Map<String, Object> map = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    map.put(string(in), json(in));
                }
                return java.util.Collections.unmodifiableMap(map);
            }
            default:
                throw new IOException("unknown JSON tag " + tag);
        }
    }

    /** Floats with a length. */
    public static void floats(DataOutputStream out, float[] f) throws IOException {
        out.writeInt(f.length);
        for (float v : f) {
            out.writeFloat(v);
        }
    }

    /** Floats written by {@link #floats(DataOutputStream, float[])}. */
    public static float[] floats(DataInputStream in) throws IOException {
        float[] f = new float[length(in.readInt(), 4)];
        for (int i = 0; i < f.length; i++) {
            f[i] = in.readFloat();
        }
        return f;
    }
}
