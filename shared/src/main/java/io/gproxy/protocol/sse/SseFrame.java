package io.gproxy.protocol.sse;

import java.nio.charset.StandardCharsets;

/**
 * One server-sent event: an optional {@code event:} name and its data (multiple {@code data:} lines joined with
 * {@code \n}). Claude and Responses name every event; Chat and Gemini send data only.
 */
public record SseFrame(String event, String data) {

    public static SseFrame data(String data) {
        return new SseFrame(null, data);
    }

    public static SseFrame named(String event, String data) {
        return new SseFrame(event, data);
    }

    /** Wire bytes: {@code event:} line when named, one {@code data:} line per data line, then a blank line. */
    public byte[] encode() {
        StringBuilder sb = new StringBuilder(data.length() + 32);
        if (event != null) {
            sb.append("event: ").append(event).append('\n');
        }
        int start = 0;
        while (true) {
            int nl = data.indexOf('\n', start);
            sb.append("data: ").append(data, start, nl < 0 ? data.length() : nl).append('\n');
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
