package io.gproxy.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gproxy.http.Headers;
import io.gproxy.http.HttpRequest;
import io.gproxy.http.HttpResponse;
import io.gproxy.http.QueryString;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Function URL events (the API Gateway v2 payload format) to and from the transport-neutral HTTP model: raw path
 * and query, comma-joined multi-value headers, cookies in their own array, base64 bodies.
 */
public final class FunctionUrlEvents {
    private FunctionUrlEvents() {}

    public static HttpRequest toRequest(JsonNode event) {
        JsonNode http = event.path("requestContext").path("http");
        String method = http.path("method").asText("GET");
        String rawPath = event.hasNonNull("rawPath") ? event.get("rawPath").asText() : http.path("path").asText("/");
        Headers headers = new Headers();
        for (Iterator<Map.Entry<String, JsonNode>> it = event.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> h = it.next();
            headers.add(h.getKey(), h.getValue().asText());
        }
        JsonNode cookies = event.path("cookies");
        if (cookies.isArray() && !cookies.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            cookies.forEach(c -> sb.append(sb.length() == 0 ? "" : "; ").append(c.asText()));
            headers.set("cookie", sb.toString());
        }
        byte[] body = new byte[0];
        if (event.hasNonNull("body")) {
            String text = event.get("body").asText();
            body = event.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text)
                    : text.getBytes(StandardCharsets.UTF_8);
        }
        return new HttpRequest(method, rawPath, QueryString.parse(event.path("rawQueryString").asText("")), headers,
                body, http.path("sourceIp").asText(null));
    }

    /**
     * A buffered response in the format a BUFFERED Function URL expects. Text bodies (JSON, text, SSE) are sent as
     * text; anything else base64.
     */
    public static ObjectNode toBufferedResult(HttpResponse response, byte[] body) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("statusCode", response.status());
        ObjectNode headers = out.putObject("headers");
        ArrayNode cookies = out.putArray("cookies");
        response.headers().asMap().forEach((name, values) -> {
            if (name.equals("set-cookie")) {
                values.forEach(cookies::add);
            } else {
                headers.put(name, String.join(",", values));
            }
        });
        boolean text = isText(response.headers().firstOrNull("content-type"));
        out.put("isBase64Encoded", !text);
        out.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
        return out;
    }

    /** The JSON prelude of a streamed Function URL response (spec/aws.md D1): status, headers, cookies. */
    public static byte[] streamingPrelude(HttpResponse response) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("statusCode", response.status());
        ObjectNode headers = out.putObject("headers");
        ArrayNode cookies = out.putArray("cookies");
        response.headers().asMap().forEach((name, values) -> {
            if (name.equals("set-cookie")) {
                values.forEach(cookies::add);
            } else {
                headers.put(name, String.join(",", values));
            }
        });
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isText(String contentType) {
        if (contentType == null) {
            return true;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/") || ct.contains("json") || ct.contains("xml") || ct.contains("javascript");
    }

}
