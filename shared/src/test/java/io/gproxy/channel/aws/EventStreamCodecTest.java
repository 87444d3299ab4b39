package io.gproxy.channel.aws;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event-stream framing against the encoding test vectors AWS publishes with its SDKs (aws-sdk-js-v3
 * eventstream-marshaller TestVectors, from aws-c-event-stream): byte-exact decoding and encoding of the valid
 * vectors, and a clear refusal of each corrupted one.
 */
class EventStreamCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] FOO_BAR = "{'foo':'bar'}".getBytes(StandardCharsets.UTF_8);

    static final String EMPTY_MESSAGE = "000000100000000005c248eb7d98c8ff";
    static final String INT32_HEADER = "0000002b0000000e348bec7b086576656e742d6964040000a00c7b27666f6f273a27626172277dd3890285";
    static final String PAYLOAD_NO_HEADERS = "0000001d00000000fd528c5a7b27666f6f273a27626172277dc3653936";
    static final String PAYLOAD_ONE_STR_HEADER = "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a27626172277d8d9c08b1";

    @Test
    void decodesThePublishedVectorsByteExactly() throws Exception {
        EventStreamMessage empty = EventStreamCodec.decode(HEX.parseHex(EMPTY_MESSAGE));
        assertTrue(empty.headers().isEmpty());
        assertEquals(0, empty.payload().length);

        EventStreamMessage int32 = EventStreamCodec.decode(HEX.parseHex(INT32_HEADER));
        assertEquals(Map.of("event-id", 0x0000a00c), int32.headers());
        assertArrayEquals(FOO_BAR, int32.payload());

        EventStreamMessage noHeaders = EventStreamCodec.decode(HEX.parseHex(PAYLOAD_NO_HEADERS));
        assertTrue(noHeaders.headers().isEmpty());
        assertArrayEquals(FOO_BAR, noHeaders.payload());

        EventStreamMessage str = EventStreamCodec.decode(HEX.parseHex(PAYLOAD_ONE_STR_HEADER));
        assertEquals("application/json", str.header("content-type"));
        assertArrayEquals(FOO_BAR, str.payload());
    }

    @Test
    void encodesThePublishedVectorsByteExactly() {
        assertEquals(EMPTY_MESSAGE, HEX.formatHex(EventStreamCodec.encode(Map.of(), new byte[0])));
        assertEquals(INT32_HEADER, HEX.formatHex(EventStreamCodec.encode(Map.of("event-id", 0x0000a00c), FOO_BAR)));
        assertEquals(PAYLOAD_NO_HEADERS, HEX.formatHex(EventStreamCodec.encode(Map.of(), FOO_BAR)));
        assertEquals(PAYLOAD_ONE_STR_HEADER,
                HEX.formatHex(EventStreamCodec.encode(Map.of("content-type", "application/json"), FOO_BAR)));
    }

    @Test
    void corruptedVectorsAreRefusedWithTheReason() {
        // corrupted_length: first byte of the total length flipped -> the prelude CRC no longer matches
        byte[] length = HEX.parseHex(PAYLOAD_NO_HEADERS);
        length[0] = 1;
        assertTrue(assertThrows(EventStreamException.class, () -> new EventStreamCodec().feed(length))
                .getMessage().contains("prelude CRC mismatch"));
        // corrupted_header_len
        byte[] headerLen = HEX.parseHex(PAYLOAD_ONE_STR_HEADER);
        headerLen[6] = 1;
        assertTrue(assertThrows(EventStreamException.class, () -> EventStreamCodec.decode(headerLen))
                .getMessage().contains("prelude CRC mismatch"));
        // corrupted_headers: '-' of content-type became '+'
        byte[] headers = HEX.parseHex(PAYLOAD_ONE_STR_HEADER);
        headers[20] = '+';
        EventStreamException e = assertThrows(EventStreamException.class, () -> EventStreamCodec.decode(headers));
        assertEquals("event-stream message CRC mismatch: message says 8d9c08b1, bytes give " + crcOf(headers),
                e.getMessage());
        // corrupted_payload
        byte[] payload = HEX.parseHex(PAYLOAD_NO_HEADERS);
        payload[24] = (byte) 141;
        assertTrue(assertThrows(EventStreamException.class, () -> new EventStreamCodec().feed(payload))
                .getMessage().contains("message CRC mismatch"));
    }

    private static String crcOf(byte[] message) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(message, 0, message.length - 4);
        return String.format("%08x", c.getValue());
    }

    @Test
    void incrementalFeedingAcrossArbitrarySplits() throws Exception {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put(":message-type", "event");
        h.put(":event-type", "chunk");
        h.put("flag", true);
        h.put("off", false);
        h.put("b", (byte) 7);
        h.put("s", (short) -2);
        h.put("l", 1L << 40);
        h.put("raw", new byte[]{1, 2, 3});
        h.put("ts", Instant.ofEpochMilli(1_700_000_000_123L));
        h.put("id", new UUID(1, 2));
        byte[] one = EventStreamCodec.encode(h, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        byte[] two = EventStreamCodec.encode(Map.of(":message-type", "event"), new byte[0]);
        byte[] stream = new byte[one.length + two.length];
        System.arraycopy(one, 0, stream, 0, one.length);
        System.arraycopy(two, 0, stream, one.length, two.length);
        for (int split = 1; split < stream.length; split++) {
            EventStreamCodec codec = new EventStreamCodec();
            List<EventStreamMessage> a = codec.feed(stream, 0, split);
            List<EventStreamMessage> b = codec.feed(stream, split, stream.length - split);
            codec.finish();
            assertEquals(2, a.size() + b.size(), "split at " + split);
            EventStreamMessage first = (a.isEmpty() ? b : a).get(0);
            assertEquals("chunk", first.eventType());
            assertEquals(Instant.ofEpochMilli(1_700_000_000_123L), first.headers().get("ts"));
            assertEquals(new UUID(1, 2), first.headers().get("id"));
            assertArrayEquals(new byte[]{1, 2, 3}, (byte[]) first.headers().get("raw"));
            assertEquals((short) -2, first.headers().get("s"));
        }
    }

    @Test
    void streamCutInsideAMessageFailsAtTheEnd() throws Exception {
        byte[] msg = HEX.parseHex(PAYLOAD_NO_HEADERS);
        EventStreamCodec codec = new EventStreamCodec();
        assertTrue(codec.feed(msg, 0, msg.length - 3).isEmpty());
        assertTrue(assertThrows(EventStreamException.class, codec::finish).getMessage().contains("ended inside a message"));
    }
}
