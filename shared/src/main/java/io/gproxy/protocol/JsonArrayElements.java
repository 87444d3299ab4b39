package io.gproxy.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a streamed JSON array (a Gemini stream without {@code alt=sse}: {@code [{chunk},\r\n{chunk}]}) into its
 * elements as each one completes, whatever the chunk boundaries: strings and escapes are tracked, so braces inside
 * text do not count. Object and array elements are returned (scalars are skipped); an element larger than the bound stops the splitting (the
 * caller reads nothing more rather than buffer without limit).
 */
public final class JsonArrayElements {
    private final int maxElementBytes;
    private final ByteArrayOutputStream element = new ByteArrayOutputStream();
    private int depth; // 1 inside the array, 2 inside one of its objects, ...
    private boolean inString;
    private boolean escaped;
    private boolean overflowed;

    public JsonArrayElements(int maxElementBytes) {
        this.maxElementBytes = maxElementBytes;
    }

    /** The elements completed by these bytes, as JSON text, in order. */
    public List<String> feed(byte[] bytes, int offset, int length) {
        List<String> out = new ArrayList<>(1);
        for (int i = offset; i < offset + length && !overflowed; i++) {
            byte b = bytes[i];
            boolean capturing = depth >= 2;
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '{' || b == '[') {
                depth++;
                capturing = depth >= 2;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 1 && capturing) {
                    element.write(b);
                    out.add(element.toString(StandardCharsets.UTF_8));
                    element.reset();
                    continue;
                }
            }
            if (capturing) {
                element.write(b);
                if (element.size() > maxElementBytes) {
                    overflowed = true;
                    element.reset();
                }
            }
        }
        return out;
    }

    /** Whether an element outgrew the bound (nothing more is split). */
    public boolean overflowed() {
        return overflowed;
    }
}
