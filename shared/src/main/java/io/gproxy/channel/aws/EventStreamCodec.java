package io.gproxy.channel.aws;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The AWS event-stream binary framing ({@code application/vnd.amazon.eventstream}), incremental. Each message:
 * <pre>
 *   [total length u32][headers length u32][prelude CRC32 u32][headers][payload][message CRC32 u32]
 * </pre>
 * big-endian; the prelude CRC covers the first 8 bytes, the message CRC everything before it. A header is a name
 * (u8 length + UTF-8), a type byte and a value: 0 true, 1 false, 2 byte, 3 i16, 4 i32, 5 i64, 6 bytes (u16 length),
 * 7 string (u16 length), 8 timestamp (i64 ms), 9 UUID (16 bytes).
 *
 * <p>Feed bytes as they arrive with {@link #feed}; complete messages come out, partial ones wait. The prelude is
 * checked as soon as its 12 bytes are in, so a corrupted length is refused before any waiting on it.
 */
public final class EventStreamCodec {
    /** Prelude (12) + message CRC (4). */
    static final int MIN_MESSAGE = 16;
    /** The limits of the reference implementation (aws-c-event-stream). */
    static final int MAX_MESSAGE = 16 * 1024 * 1024;
    static final int MAX_HEADERS = 128 * 1024;

    private byte[] buf = new byte[8192];
    private int len;
    private boolean preludeChecked;

    /** Complete messages in the bytes fed so far. */
    public List<EventStreamMessage> feed(byte[] data, int off, int n) throws EventStreamException {
        ensure(len + n);
        System.arraycopy(data, off, buf, len, n);
        len += n;
        List<EventStreamMessage> out = new ArrayList<>();
        int pos = 0;
        while (len - pos >= 12) {
            int total = ByteBuffer.wrap(buf, pos, 4).getInt();
            if (!preludeChecked) {
                checkPrelude(buf, pos);
                preludeChecked = true;
            }
            if (len - pos < total) {
                break;
            }
            out.add(decodeChecked(buf, pos, total));
            pos += total;
            preludeChecked = false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, len - pos);
            len -= pos;
        }
        return out;
    }

    public List<EventStreamMessage> feed(byte[] data) throws EventStreamException {
        return feed(data, 0, data.length);
    }

    /** The stream ended: fails when it stopped inside a message. */
    public void finish() throws EventStreamException {
        if (len > 0) {
            throw new EventStreamException("event stream ended inside a message (" + len + " bytes left over)");
        }
    }

    /** Decodes exactly one message. */
    public static EventStreamMessage decode(byte[] message) throws EventStreamException {
        if (message.length < 12) {
            throw new EventStreamException("event-stream message shorter than its prelude");
        }
        checkPrelude(message, 0);
        int total = ByteBuffer.wrap(message, 0, 4).getInt();
        if (total != message.length) {
            throw new EventStreamException("event-stream total length " + total + " does not match the "
                    + message.length + " bytes given");
        }
        return decodeChecked(message, 0, total);
    }

    private static void checkPrelude(byte[] b, int pos) throws EventStreamException {
        ByteBuffer bb = ByteBuffer.wrap(b, pos, 12);
        long total = Integer.toUnsignedLong(bb.getInt());
        long headers = Integer.toUnsignedLong(bb.getInt());
        long expected = Integer.toUnsignedLong(bb.getInt());
        long computed = crc(b, pos, 8);
        if (expected != computed) {
            throw new EventStreamException(String.format(
                    "event-stream prelude CRC mismatch: message says %08x, bytes give %08x", expected, computed));
        }
        if (total < MIN_MESSAGE || total > MAX_MESSAGE) {
            throw new EventStreamException("event-stream message length " + total + " out of range");
        }
        if (headers > MAX_HEADERS || headers > total - MIN_MESSAGE) {
            throw new EventStreamException("event-stream headers length " + headers + " out of range");
        }
    }

    private static EventStreamMessage decodeChecked(byte[] b, int pos, int total) throws EventStreamException {
        ByteBuffer bb = ByteBuffer.wrap(b, pos, total);
        bb.getInt();
        int headersLen = bb.getInt();
        bb.getInt();
        long expected = Integer.toUnsignedLong(ByteBuffer.wrap(b, pos + total - 4, 4).getInt());
        long computed = crc(b, pos, total - 4);
        if (expected != computed) {
            throw new EventStreamException(String.format(
                    "event-stream message CRC mismatch: message says %08x, bytes give %08x", expected, computed));
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        int headersEnd = pos + 12 + headersLen;
        int p = pos + 12;
        while (p < headersEnd) {
            int nameLen = b[p++] & 0xff;
            if (nameLen == 0 || p + nameLen + 1 > headersEnd) {
                throw new EventStreamException("event-stream header name overruns the headers block");
            }
            String name = new String(b, p, nameLen, StandardCharsets.UTF_8);
            p += nameLen;
            int type = b[p++] & 0xff;
            ByteBuffer v = ByteBuffer.wrap(b, p, headersEnd - p);
            Object value;
            int size;
            switch (type) {
                case 0 -> { value = Boolean.TRUE; size = 0; }
                case 1 -> { value = Boolean.FALSE; size = 0; }
                case 2 -> { need(v, 1); value = v.get(); size = 1; }
                case 3 -> { need(v, 2); value = v.getShort(); size = 2; }
                case 4 -> { need(v, 4); value = v.getInt(); size = 4; }
                case 5 -> { need(v, 8); value = v.getLong(); size = 8; }
                case 6, 7 -> {
                    need(v, 2);
                    int l = Short.toUnsignedInt(v.getShort());
                    need(v, l);
                    byte[] raw = Arrays.copyOfRange(b, p + 2, p + 2 + l);
                    value = type == 6 ? raw : new String(raw, StandardCharsets.UTF_8);
                    size = 2 + l;
                }
                case 8 -> { need(v, 8); value = Instant.ofEpochMilli(v.getLong()); size = 8; }
                case 9 -> { need(v, 16); value = new UUID(v.getLong(), v.getLong()); size = 16; }
                default -> throw new EventStreamException("event-stream header " + name + " has unknown type " + type);
            }
            p += size;
            headers.put(name, value);
        }
        byte[] payload = Arrays.copyOfRange(b, headersEnd, pos + total - 4);
        return new EventStreamMessage(headers, payload);
    }

    private static void need(ByteBuffer v, int n) throws EventStreamException {
        if (v.remaining() < n) {
            throw new EventStreamException("event-stream header value overruns the headers block");
        }
    }

    /** Encodes a message (mock upstreams and tests); header values typed as in {@link EventStreamMessage}. */
    public static byte[] encode(Map<String, Object> headers, byte[] payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        for (Map.Entry<String, Object> e : headers.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            h.write(name.length);
            h.writeBytes(name);
            Object v = e.getValue();
            ByteBuffer bb;
            if (v instanceof Boolean bo) {
                h.write(bo ? 0 : 1);
            } else if (v instanceof Byte by) {
                h.write(2);
                h.write(by);
            } else if (v instanceof Short s) {
                h.write(3);
                h.writeBytes(ByteBuffer.allocate(2).putShort(s).array());
            } else if (v instanceof Integer i) {
                h.write(4);
                h.writeBytes(ByteBuffer.allocate(4).putInt(i).array());
            } else if (v instanceof Long l) {
                h.write(5);
                h.writeBytes(ByteBuffer.allocate(8).putLong(l).array());
            } else if (v instanceof byte[] raw) {
                h.write(6);
                h.writeBytes(ByteBuffer.allocate(2).putShort((short) raw.length).array());
                h.writeBytes(raw);
            } else if (v instanceof String s) {
                byte[] raw = s.getBytes(StandardCharsets.UTF_8);
                h.write(7);
                h.writeBytes(ByteBuffer.allocate(2).putShort((short) raw.length).array());
                h.writeBytes(raw);
            } else if (v instanceof Instant t) {
                h.write(8);
                h.writeBytes(ByteBuffer.allocate(8).putLong(t.toEpochMilli()).array());
            } else if (v instanceof UUID u) {
                h.write(9);
                bb = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
                h.writeBytes(bb.array());
            } else {
                throw new IllegalArgumentException("unsupported header value type for " + e.getKey());
            }
        }
        byte[] hb = h.toByteArray();
        int total = 12 + hb.length + payload.length + 4;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(hb.length);
        out.putInt((int) crc(out.array(), 0, 8));
        out.put(hb).put(payload);
        out.putInt((int) crc(out.array(), 0, total - 4));
        return out.array();
    }

    private static long crc(byte[] b, int off, int n) {
        CRC32 c = new CRC32();
        c.update(b, off, n);
        return c.getValue();
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(capacity, buf.length * 2));
        }
    }
}
