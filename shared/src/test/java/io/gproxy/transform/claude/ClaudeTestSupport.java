package io.gproxy.transform.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.protocol.Json;
import io.gproxy.protocol.sse.SseDecoder;
import io.gproxy.protocol.sse.SseFrame;
import io.gproxy.transform.StreamDecoder;
import io.gproxy.transform.TransformContext;
import io.gproxy.transform.TransformException;
import io.gproxy.transform.ir.LossReport;
import io.gproxy.transform.ir.StreamEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fixture loading, SSE parsing and JSON comparison for the Claude codec tests. */
final class ClaudeTestSupport {
    static final long NOW = 1_760_000_000L;

    private ClaudeTestSupport() {}

    static TransformContext ctx() {
        return new TransformContext(NOW, new LossReport());
    }

    static byte[] resource(String name) {
        try (InputStream in = ClaudeTestSupport.class.getResourceAsStream("/transform/claude/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String resourceName) {
        try {
            return Json.parse(resource(resourceName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<SseFrame> frames(String resourceName) {
        SseDecoder decoder = new SseDecoder();
        List<SseFrame> frames = new ArrayList<>(decoder.feed(resource(resourceName)));
        frames.addAll(decoder.finish());
        return frames;
    }

    /** Every IR event of a frame sequence, including what {@code finish()} adds at EOF. */
    static List<StreamEvent> decodeAll(StreamDecoder decoder, List<SseFrame> frames) throws TransformException {
        List<StreamEvent> events = new ArrayList<>();
        for (SseFrame f : frames) {
            events.addAll(decoder.decode(f));
        }
        events.addAll(decoder.finish());
        return events;
    }

    /** Compares JSON structurally (key order ignored, numbers by value), printing both on failure. */
    static void assertJson(String expected, JsonNode actual) {
        try {
            assertJson(Json.MAPPER.readTree(expected), actual);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assertJson(JsonNode expected, JsonNode actual) {
        assertEquals(normalise(expected).toPrettyString(), normalise(actual).toPrettyString());
    }

    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Sorted keys and plain doubles, so the comparison ignores key order and how a number was built. */
    private static JsonNode normalise(JsonNode node) {
        try {
            Object plain = SORTED.readValue(Json.MAPPER.writeValueAsString(node), Object.class);
            return SORTED.readTree(SORTED.writeValueAsString(plain));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A frame as "event|data" with data compacted, for exact sequence assertions. */
    static String show(SseFrame f) {
        return f.event() + "|" + f.data();
    }
}
