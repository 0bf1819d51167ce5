package io.hastegw.daemon.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates control commands (docs/mqtt-api.md): v2 {@code control/set} (JSON schema
 * {@code haste.control.set/1}: any subset of the settings) and v1 {@code control/level/set} (a
 * level, fixed mode). A command is applied whole or not at all: unknown fields, wrong types and
 * out-of-range values are each named, and the settings stay as they were. The JSON is read
 * strictly: one object and nothing after it, each field once, no byte order mark, so that what
 * was signed and what is applied cannot differ.
 */
public final class ControlCommands {
    /** Schema id of control/set payloads. */
    public static final String SET_SCHEMA = "haste.control.set/1";
    /** Largest command payload read (a command is a few hundred bytes). */
    public static final int MAX_BYTES = 4096;
    /** Strict: a field given twice is an error, not silently resolved (content after the object: {@link #afterValue}). */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Pattern V1 = Pattern.compile("^\\{\\s*\"level\"\\s*:\\s*(-?\\d{1,9})\\s*}$");
    private static final List<String> FIELDS = List.of("schema", "mode", "level", "min_level", "max_level", "policy", "latency_target_ms",
            "cpu_budget_percent", "shedding");

    /**
     * The outcome of parsing: the new settings, or why the command is refused.
     *
     * @param settings the settings after the command (null when refused)
     * @param errors   every problem found (empty when accepted)
     */
    public record Parsed(ControlSettings settings, List<String> errors) {
        /** Whether the command is accepted. */
        public boolean accepted() {
            return errors.isEmpty();
        }

        static Parsed refused(List<String> errors) {
            return new Parsed(null, List.copyOf(errors));
        }
    }

    private ControlCommands() {}

    /** A v2 {@code control/set} payload applied to {@code current}, for a model of {@code levels} levels. */
    public static Parsed set(byte[] payload, ControlSettings current, int levels, Set<String> policies) {
        if (payload.length > MAX_BYTES) {
            return Parsed.refused(List.of("command of " + payload.length + " bytes exceeds " + MAX_BYTES));
        }
        if (payload.length >= 3 && (payload[0] & 0xff) == 0xEF && (payload[1] & 0xff) == 0xBB && (payload[2] & 0xff) == 0xBF) {
            return Parsed.refused(List.of("a byte order mark before the JSON is refused: send the object's bytes alone"));
        }
        JsonNode root;
        try (JsonParser parser = JSON.createParser(payload)) {
            root = JSON.readTree(parser);
            if (root != null && afterValue(parser)) {
                return Parsed.refused(List.of("content after the JSON object is refused: send one object per command"));
            }
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            return Parsed.refused(List.of(m.startsWith("Duplicate") ? "a field given twice is refused: " + firstLine(m)
                    : "not JSON: " + firstLine(m)));
        } catch (java.io.IOException | RuntimeException e) {
            return Parsed.refused(List.of("not JSON: " + firstLine(e.getMessage())));
        }
        if (root == null || !root.isObject()) {
            return Parsed.refused(List.of("a JSON object is required, e.g. {\"mode\": \"auto\"}"));
        }
        List<String> errors = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                errors.add("unknown field '" + abbreviated(field) + "'; known: " + String.join(", ", FIELDS));
            }
        }
        if (root.size() == 0 || root.size() == 1 && root.has("schema")) {
            errors.add("no setting given; known: " + String.join(", ", FIELDS.subList(1, FIELDS.size())));
        }
        JsonNode schema = root.get("schema");
        if (schema != null && !SET_SCHEMA.equals(schema.asText(null))) {
            errors.add("schema must be '" + SET_SCHEMA + "'");
        }
        String mode = text(root, "mode", current.mode(), errors);
        int level = integer(root, "level", current.level(), errors);
        int min = integer(root, "min_level", current.minLevel(), errors);
        int max = integer(root, "max_level", current.maxLevel(), errors);
        String policy = text(root, "policy", current.policy(), errors);
        double target = number(root, "latency_target_ms", current.latencyTargetMs(), errors);
        double budget = number(root, "cpu_budget_percent", current.cpuBudgetPercent(), errors);
        boolean shedding = current.shedding();
        JsonNode shed = root.get("shedding");
        if (shed != null) {
            if (shed.isBoolean()) {
                shedding = shed.booleanValue();
            } else {
                errors.add("shedding must be true or false");
            }
        }
        if (!errors.isEmpty()) {
            return Parsed.refused(errors);
        }
        ControlSettings next = new ControlSettings(mode, level, min, max, policy, target, budget, shedding);
        List<String> problems = next.problems(levels, policies);
        return problems.isEmpty() ? new Parsed(next, List.of()) : Parsed.refused(problems);
    }

    /** A v1 {@code control/level/set} payload (a number, or {@code {"level": n}}): fixed mode at that level. */
    public static Parsed level(String payload, ControlSettings current, int levels) {
        String text = payload.strip();
        Matcher json = V1.matcher(text);
        String number = json.matches() ? json.group(1) : text;
        if (number.matches("-?\\d{1,9}")) {
            int requested = Integer.parseInt(number);
            if (requested >= 0 && requested < levels) {
                return new Parsed(current.fixedAt(requested), List.of());
            }
        }
        String shown = payload.length() > 40 ? payload.substring(0, 40) + "..." : payload;
        return Parsed.refused(List.of("level '" + shown + "' refused: send a whole number from 0 (dense) to " + (levels - 1)
                + ", or {\"level\": n}"));
    }

    /** The settings as JSON (for the state file). */
    public static byte[] toJson(ControlSettings s) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(Map.of("schema", SET_SCHEMA, "settings", AdaptiveControl.settingsJson(s)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode root, String field, String current, List<String> errors) {
        JsonNode n = root.get(field);
        if (n == null) {
            return current;
        }
        if (!n.isTextual()) {
            errors.add(field + " must be a string");
            return current;
        }
        return n.textValue();
    }

    private static int integer(JsonNode root, String field, int current, List<String> errors) {
        JsonNode n = root.get(field);
        if (n == null) {
            return current;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            errors.add(field + " must be a whole number");
            return current;
        }
        return n.intValue();
    }

    private static double number(JsonNode root, String field, double current, List<String> errors) {
        JsonNode n = root.get(field);
        if (n == null) {
            return current;
        }
        if (!n.isNumber()) {
            errors.add(field + " must be a number");
            return current;
        }
        return n.doubleValue();
    }

    /** Whether anything but whitespace follows the value {@code parser} has just read (garbage counts). */
    private static boolean afterValue(JsonParser parser) {
        try {
            return parser.nextToken() != null;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static String abbreviated(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String firstLine(String message) {
        String m = message == null ? "unreadable" : message;
        int nl = m.indexOf('\n');
        return abbreviated(nl < 0 ? m : m.substring(0, nl));
    }
}
