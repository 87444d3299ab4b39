package io.gproxy.pipeline;

import io.gproxy.http.BodySink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Writes a raw SSE byte stream (a passthrough relay) in whole events: each upstream chunk is written up to its last
 * event boundary (a blank line; CRLF, LF and CR line ends), and an event the chunk leaves unfinished waits for the
 * chunk that finishes it. No SSE client acts on an event before its blank line, so nothing reaches a client later
 * than it could use it, and the bytes are the upstream's own, in order. What this buys: the relay can end the stream
 * with a frame of its own ({@link StreamErrorFrames}) at an event boundary, and drop an event the upstream never
 * finished instead of gluing the frame onto it.
 *
 * <p>An event longer than {@link #MAX_HELD} is written without waiting (memory stays bounded); a frame appended
 * while such an event is unfinished is preceded by a blank line that ends it ({@link #writeFrame}).
 */
final class EventAlignedWriter {
    /** The longest unfinished event held back (Responses' completed event repeats the whole output). */
    static final int MAX_HELD = 1024 * 1024;
    private static final byte[] BLANK_LINE = {'\n', '\n'};

    private final BodySink sink;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private boolean lineEmpty = true;   // nothing on the current line yet
    private boolean lastWasCr;          // the last byte was a CR (a following LF belongs to it)
    private boolean atBoundary = true;  // every byte seen so far ends at an event boundary
    private boolean writtenAtBoundary = true; // what went to the sink ends at an event boundary

    EventAlignedWriter(BodySink sink) {
        this.sink = sink;
    }

    /** Writes the complete events {@code buf[offset, offset+length)} finishes; holds back an unfinished one. */
    void write(byte[] buf, int offset, int length) throws IOException {
        int cut = -1; // the end of this chunk's last event boundary (exclusive), -1 when it has none
        for (int i = offset; i < offset + length; i++) {
            byte b = buf[i];
            if (b == '\n' && lastWasCr) {
                lastWasCr = false; // the LF of a CRLF: the line ended at the CR
            } else if (b == '\r' || b == '\n') {
                lastWasCr = b == '\r';
                atBoundary = lineEmpty; // an empty line ends the event
                lineEmpty = true;
            } else {
                lastWasCr = false;
                lineEmpty = false;
                atBoundary = false;
            }
            if (atBoundary) {
                cut = i + 1;
            }
        }
        if (cut >= 0) {
            writeHeld();
            sink.write(buf, offset, cut - offset);
            writtenAtBoundary = true;
            held.write(buf, cut, offset + length - cut);
        } else {
            held.write(buf, offset, length);
        }
        if (held.size() > MAX_HELD) {
            writeHeld();
            writtenAtBoundary = atBoundary;
        }
    }

    /** The upstream ended well: the rest as it came (a last event without its blank line included). */
    void finish() throws IOException {
        writeHeld();
    }

    /**
     * Ends the stream with {@code frame} (whole events) at an event boundary: an unfinished event held back is
     * dropped (no client would have dispatched it); one already partly written is ended by a blank line first.
     */
    void writeFrame(byte[] frame) throws IOException {
        held.reset();
        if (!writtenAtBoundary) {
            sink.write(BLANK_LINE, 0, BLANK_LINE.length);
        }
        sink.write(frame, 0, frame.length);
        writtenAtBoundary = true;
    }

    private void writeHeld() throws IOException {
        if (held.size() > 0) {
            sink.write(held.toByteArray(), 0, held.size());
            held.reset();
        }
    }
}
