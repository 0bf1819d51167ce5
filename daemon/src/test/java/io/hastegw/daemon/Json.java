package io.hastegw.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;

/** Test support: JSON parsing and validation against the published schemas. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(byte[] json) {
        try {
            return MAPPER.readValue(json, Map.class);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(json, java.nio.charset.StandardCharsets.UTF_8), e);
        }
    }

    /** Validation errors of {@code json} against {@code schemas/<name>.schema.json}; empty when valid. */
    static Set<ValidationMessage> validate(String name, byte[] json) throws IOException {
        try (InputStream in = Json.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            JsonNode node = MAPPER.readTree(json);
            return schema.validate(node);
        }
    }
}
