package io.gproxy.transform.chat;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fixture loading, SSE framing and JSON comparison shared by the Chat codec tests. */
final class ChatTestSupport {
    static final long NOW = 1_700_000_000L;
    static final ChatCodec CODEC = new ChatCodec();

    private ChatTestSupport() {}

    static TransformContext ctx() {
        return new TransformContext(NOW, new LossReport());
    }

    static byte[] resource(String name) {
        try (InputStream in = ChatTestSupport.class.getResourceAsStream("/transform/chat/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode fixture(String name) {
        try {
            return Json.parse(resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode obj(String text) {
        return (ObjectNode) json(text);
    }

    /** The fixture's frames, fed in small network-sized pieces as the pipeline would. */
    static List<SseFrame> frames(String name) {
        byte[] bytes = resource(name);
        SseDecoder sse = new SseDecoder();
        List<SseFrame> frames = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += 37) {
            frames.addAll(sse.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 37))));
        }
        frames.addAll(sse.finish());
        return frames;
    }

    /** Decodes every frame then EOF, as the pipeline drives a decoder. */
    static List<StreamEvent> decodeAll(List<SseFrame> frames, TransformContext ctx) throws TransformException {
        StreamDecoder decoder = CODEC.newStreamDecoder(ctx);
        List<StreamEvent> events = new ArrayList<>();
        for (SseFrame f : frames) {
            events.addAll(decoder.decode(f));
        }
        events.addAll(decoder.finish());
        return events;
    }

    /** Numbers compare by value (a Double 0.7 equals the decimal 0.7 the mapper reads). */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return 1;
    };

    static void assertJson(JsonNode expected, JsonNode actual) {
        assertTrue(expected.equals(BY_VALUE, actual),
                () -> "expected:\n" + expected.toPrettyString() + "\nactual:\n" + actual.toPrettyString());
    }

    static void assertJson(String expected, JsonNode actual) {
        assertJson(json(expected), actual);
    }
}
