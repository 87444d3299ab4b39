package io.gproxy.protocol.sse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental SSE parser (spec/surface.md §5.1): feed network chunks, get complete frames. CRLF and CR line ends
 * are normalised, comments and {@code id:}/{@code retry:} fields dropped, frames without data ignored, and at end of
 * input a trailing frame without its blank line is still emitted. A multi-byte UTF-8 character split across
 * chunks is reassembled because lines are decoded only when complete.
 */
public final class SseDecoder {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean lastWasCr;
    private String event;
    private StringBuilder data;

    /** Frames completed by this chunk. */
    public List<SseFrame> feed(byte[] chunk, int offset, int length) {
        List<SseFrame> out = new ArrayList<>();
        for (int i = offset; i < offset + length; i++) {
            byte b = chunk[i];
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // the LF of a CRLF: the line already ended at the CR
                    continue;
                }
                endLine(out);
            } else if (b == '\r') {
                lastWasCr = true;
                endLine(out);
            } else {
                lastWasCr = false;
                line.write(b);
            }
        }
        return out;
    }

    public List<SseFrame> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    /** End of input: the last frame even without its terminating blank line. */
    public List<SseFrame> finish() {
        List<SseFrame> out = new ArrayList<>();
        if (line.size() > 0) {
            endLine(out);
        }
        dispatch(out);
        return out;
    }

    private void endLine(List<SseFrame> out) {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            dispatch(out);
            return;
        }
        if (text.startsWith(":")) {
            return; // comment (keepalive)
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            default -> {
                // id, retry and unknown fields carry nothing the gateway needs
            }
        }
    }

    private void dispatch(List<SseFrame> out) {
        if (data != null) {
            out.add(new SseFrame(event, data.toString()));
        }
        event = null;
        data = null;
    }
}
