package io.gproxy.protocol.sse;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental SSE parser (spec/surface.md §5.1): feed network chunks, get complete frames. CRLF and CR line ends
 * are normalised, comments and {@code id:}/{@code retry:} fields dropped, frames without data ignored, and at end of
 * input a trailing frame without its blank line is still emitted. A multi-byte UTF-8 character split across
 * chunks is reassembled because lines are decoded only when complete. One event may hold at most
 * {@link #DEFAULT_MAX_EVENT_BYTES} (or the bound given): past it {@link EventTooLargeException} is thrown.
 */
public final class SseDecoder {
    /**
     * Bound on one event (its lines together): an image generation's base64 event fits many times over, while an
     * upstream that never ends its line or event cannot make the gateway buffer without limit.
     */
    public static final int DEFAULT_MAX_EVENT_BYTES = 32 * 1024 * 1024;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final int maxEventBytes;
    private long eventBytes; // bytes of the event being read: its complete lines and the current line
    private boolean lastWasCr;
    private String event;
    private StringBuilder data;

    public SseDecoder() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public SseDecoder(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** An event outgrew the bound: the stream cannot be read further (callers treat it as a broken upstream). */
    public static final class EventTooLargeException extends IllegalStateException {
        EventTooLargeException(int max) {
            super("upstream event larger than " + max + " bytes");
        }
    }

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
                if (++eventBytes > maxEventBytes) {
                    throw new EventTooLargeException(maxEventBytes);
                }
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
        int length = line.size();
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.isEmpty()) {
            dispatch(out);
            return;
        }
        if (text.startsWith(":")) {
            eventBytes -= length; // a comment (keepalive) is not kept, so it does not count
            return;
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
            default -> eventBytes -= length; // id, retry and unknown fields carry nothing the gateway keeps
        }
    }

    private void dispatch(List<SseFrame> out) {
        if (data != null) {
            out.add(new SseFrame(event, data.toString()));
        }
        event = null;
        data = null;
        eventBytes = 0;
    }
}
