package io.gproxy.transform.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

final class GeminiTestSupport {
    static final long NOW = 1_760_000_000L;

    private GeminiTestSupport() {}

    static TransformContext ctx() {
        return new TransformContext(NOW, new LossReport());
    }

    static byte[] resource(String name) {
        try (InputStream in = GeminiTestSupport.class.getResourceAsStream("/transform/gemini/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing fixture " + name);
            }
            return in.readAllBytes();
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

    static JsonNode fixture(String name) {
        return json(new String(resource(name), StandardCharsets.UTF_8));
    }

    /** Frames of an SSE fixture, through the gateway's own SSE parser (CRLF as Google sends it). */
    static List<SseFrame> frames(String name) {
        SseDecoder decoder = new SseDecoder();
        List<SseFrame> frames = new ArrayList<>(decoder.feed(resource(name)));
        frames.addAll(decoder.finish());
        return frames;
    }

    static List<StreamEvent> decodeStream(StreamDecoder decoder, List<SseFrame> frames) throws TransformException {
        List<StreamEvent> events = new ArrayList<>();
        for (SseFrame frame : frames) {
            events.addAll(decoder.decode(frame));
        }
        events.addAll(decoder.finish());
        return events;
    }

    /** Compares JSON by value: both sides re-parsed so number node kinds (int/long, double/decimal) agree. */
    static void assertJson(String expected, JsonNode actual) {
        assertEquals(json(expected), json(actual.toString()), () -> "actual: " + actual);
    }

    static void assertJson(JsonNode expected, JsonNode actual) {
        assertEquals(json(expected.toString()), json(actual.toString()), () -> "actual: " + actual);
    }
}
