package io.gproxy.tests.e2e.badinput;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One generated bad request: which generator made it from which route, what goes on the wire, and a printable
 * description for the failure message (the seed and index reproduce it).
 *
 * @param headers name/value pairs
 * @param body    null: no body
 * @param chunked send the body without a length (chunked), as a streaming client would
 */
public record BadRequest(BadInputKind kind, Route route, String method, String path, List<String> headers, byte[] body,
                         boolean chunked, String note) {

    public String describe() {
        String b = body == null ? "-" : body.length > 80
                ? body.length + " bytes: " + printable(new String(body, 0, 80, StandardCharsets.UTF_8)) + "…"
                : printable(new String(body, StandardCharsets.UTF_8));
        return kind + " on " + route + ": " + method + " " + (path.length() > 120 ? path.substring(0, 120) + "…" : path)
                + (note.isEmpty() ? "" : " (" + note + ")") + " body " + b + (chunked ? " [chunked]" : "");
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f || c == '\ufffd' ? String.format("\\x%02x", (int) c & 0xff) : c);
        }
        return out.toString();
    }
}
