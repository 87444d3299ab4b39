package io.gproxy.channel;

import java.nio.charset.StandardCharsets;

/**
 * Percent-encodes client-controlled text (decoded path segments, requested model ids) for the upstream URL, so it
 * stays inside the segment it came in: {@code /}, {@code ?}, {@code #}, {@code %} and anything outside the RFC 3986
 * segment characters are escaped. {@code :} stays literal because Gemini verbs ({@code model:generateContent})
 * need it.
 */
public final class PathCodec {
    private PathCodec() {}

    /** One path segment. */
    public static String encodeSegment(String segment) {
        StringBuilder sb = new StringBuilder(segment.length() + 8);
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (isSegmentChar(c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** A decoded absolute path whose '/' separate segments: each segment encoded on its own. */
    public static String encodePath(String decodedPath) {
        StringBuilder sb = new StringBuilder(decodedPath.length() + 8);
        for (String seg : decodedPath.split("/", -1)) {
            if (sb.length() > 0 || decodedPath.startsWith("/")) {
                sb.append('/');
            }
            sb.append(encodeSegment(seg));
        }
        // split keeps a leading empty segment for the leading '/': drop the doubled slash it produced
        return decodedPath.startsWith("/") ? sb.substring(1) : sb.toString();
    }

    private static boolean isSegmentChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '@'
                || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+'
                || c == ',' || c == ';' || c == '=';
    }
}
