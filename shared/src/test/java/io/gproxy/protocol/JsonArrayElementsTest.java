package io.gproxy.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonArrayElementsTest {
    private static final String FIRST = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a } ] { [ \\\" \\\\\"}]}}]}";
    private static final String SECOND = "{\"usageMetadata\":{\"promptTokenCount\":12,\"candidatesTokenCount\":7}}";
    private static final String STREAM = "\n[" + FIRST + ",\r\n" + SECOND + "]";

    @Test
    void elementsComeOutWholeAtEveryChunkBoundary() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            JsonArrayElements splitter = new JsonArrayElements(1024);
            List<String> out = new ArrayList<>(splitter.feed(bytes, 0, cut));
            out.addAll(splitter.feed(bytes, cut, bytes.length - cut));
            assertEquals(List.of(FIRST, SECOND), out, "cut at " + cut);
        }
    }

    @Test
    void byteByByte() {
        JsonArrayElements splitter = new JsonArrayElements(1024);
        List<String> out = new ArrayList<>();
        for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
            out.addAll(splitter.feed(new byte[] {b}, 0, 1));
        }
        assertEquals(List.of(FIRST, SECOND), out);
    }

    @Test
    void anElementOverTheBoundStopsTheSplitting() {
        JsonArrayElements splitter = new JsonArrayElements(16);
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        assertTrue(splitter.feed(bytes, 0, bytes.length).isEmpty());
        assertTrue(splitter.overflowed());
    }
}
