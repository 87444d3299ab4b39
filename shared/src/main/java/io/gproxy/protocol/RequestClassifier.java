package io.gproxy.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.gproxy.http.Headers;
import io.gproxy.http.QueryString;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Maps (method, path, headers, body) to an {@link OperationKey}, stream flag and requested model, following the
 * table of spec/surface.md §2.2 plus the rows it notes as missing (Gemini {@code :embedContent} /
 * {@code :batchEmbedContents}, {@code POST /v1/conversations}).
 *
 * <p>Decisions where the reference is silent or late: the late-v2 search and realtime routes are not served
 * (unsupported path); the internal Responses-WebSocket header is never honoured from a client; path segments are
 * percent-decoded one at a time, so an encoded slash cannot forge a segment boundary, and dot segments are refused.
 */
public final class RequestClassifier {

    /** First path segments that can never be provider names in a scoped path. */
    public static final Set<String> RESERVED_PROVIDER_NAMES =
            Set.of("", "v1", "v1beta", "console", "admin", "user", "healthz", "version", "metrics");

    private RequestClassifier() {}

    /** Path-level match: enough to choose the function (operation group) before reading the body. */
    public static PathMatch matchPath(String method, String rawPath, Headers headers) throws UnsupportedPathException {
        List<String> segments = decodeSegments(rawPath);
        if (segments.isEmpty()) {
            throw new UnsupportedPathException("unsupported path");
        }
        String scopedProvider = null;
        String first = segments.get(0);
        if (!first.equals("v1") && !first.equals("v1beta")) {
            if (RESERVED_PROVIDER_NAMES.contains(first) || segments.size() < 2
                    || !(segments.get(1).equals("v1") || segments.get(1).equals("v1beta"))) {
                throw new UnsupportedPathException("unsupported path");
            }
            scopedProvider = first;
            segments = segments.subList(1, segments.size());
        }
        String version = segments.get(0);
        List<String> rest = segments.subList(1, segments.size());
        String providerPath = "/" + String.join("/", segments);
        String m = method.toUpperCase(Locale.ROOT);

        PathMatch gemini = matchGeminiVerb(m, rest, scopedProvider, providerPath);
        if (gemini != null) {
            return gemini;
        }
        String joined = String.join("/", rest);
        if (version.equals("v1")) {
            if (m.equals("POST")) {
                switch (joined) {
                    case "chat/completions":
                        return new PathMatch(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_CHAT_COMPLETIONS, true, null, scopedProvider, providerPath);
                    case "responses":
                        return new PathMatch(Operation.GENERATE_CONTENT, OperationKind.OPEN_AI_RESPONSES, true, null, scopedProvider, providerPath);
                    case "messages":
                        return new PathMatch(Operation.GENERATE_CONTENT, OperationKind.CLAUDE_MESSAGES, true, null, scopedProvider, providerPath);
                    case "messages/count_tokens":
                        return nonContent(Operation.COUNT_TOKENS, OperationKind.CLAUDE, scopedProvider, providerPath);
                    case "responses/input_tokens":
                        return nonContent(Operation.COUNT_TOKENS, OperationKind.OPEN_AI, scopedProvider, providerPath);
                    case "responses/compact":
                        return nonContent(Operation.COMPACT_CONTENT, OperationKind.OPEN_AI, scopedProvider, providerPath);
                    case "embeddings":
                        return nonContent(Operation.CREATE_EMBEDDING, OperationKind.OPEN_AI, scopedProvider, providerPath);
                    case "images/generations":
                        return nonContent(Operation.CREATE_IMAGE, OperationKind.OPEN_AI, scopedProvider, providerPath);
                    case "images/edits":
                        return nonContent(Operation.EDIT_IMAGE, OperationKind.OPEN_AI, scopedProvider, providerPath);
                    case "conversations":
                        return nonContent(Operation.CREATE_CONVERSATION, OperationKind.OPEN_AI, scopedProvider, providerPath);
                    default:
                        break;
                }
            } else if (m.equals("GET") && !rest.isEmpty() && rest.get(0).equals("models")) {
                OperationKind kind = OperationKind.ofFamily(modelsDialect(headers));
                if (rest.size() == 1) {
                    return nonContent(Operation.LIST_MODELS, kind, scopedProvider, providerPath);
                }
                String id = String.join("/", rest.subList(1, rest.size()));
                if (!id.isEmpty()) {
                    return new PathMatch(Operation.GET_MODEL, kind, false, id, scopedProvider, providerPath);
                }
            }
        } else if (m.equals("GET") && !rest.isEmpty() && rest.get(0).equals("models")) {
            if (rest.size() == 1) {
                return nonContent(Operation.LIST_MODELS, OperationKind.GEMINI, scopedProvider, providerPath);
            }
            String id = String.join("/", rest.subList(1, rest.size()));
            if (!id.isEmpty() && id.indexOf(':') < 0) {
                return new PathMatch(Operation.GET_MODEL, OperationKind.GEMINI, false, id, scopedProvider, providerPath);
            }
        }
        throw new UnsupportedPathException("unsupported path");
    }

    /** Full classification; {@code body} is the parsed JSON body, or null when there is none. */
    public static ClassifiedRequest classify(PathMatch match, QueryString query, JsonNode body) {
        Operation op = match.operation();
        boolean stream = op == Operation.STREAM_GENERATE_CONTENT;
        if (match.streamFromBody() && body != null && body.path("stream").isBoolean() && body.path("stream").booleanValue()) {
            op = Operation.STREAM_GENERATE_CONTENT;
            stream = true;
        }
        String model = null;
        if (body != null && body.path("model").isTextual()) {
            model = body.path("model").textValue();
        } else if (body != null && body.path("session").path("model").isTextual()) {
            model = body.path("session").path("model").textValue();
        } else if (match.pathModel() != null) {
            model = match.pathModel();
        }
        boolean geminiSse = match.kind().family() == ProtocolFamily.GEMINI
                && query.first("alt").map("sse"::equals).orElse(false);
        return new ClassifiedRequest(new OperationKey(op, match.kind()), stream, model, match.scopedProvider(),
                match.providerPath(), geminiSse);
    }

    /** Which family a shared {@code /v1/models} request speaks, judged by the client's own headers. */
    static ProtocolFamily modelsDialect(Headers headers) {
        if (headers.contains("x-api-key") || headers.contains("anthropic-version") || headers.contains("anthropic-beta")) {
            return ProtocolFamily.CLAUDE;
        }
        if (headers.contains("x-goog-api-key")) {
            return ProtocolFamily.GEMINI;
        }
        return ProtocolFamily.OPENAI;
    }

    private static PathMatch matchGeminiVerb(String method, List<String> rest, String scopedProvider, String providerPath) {
        if (!method.equals("POST") || rest.isEmpty()) {
            return null;
        }
        String last = rest.get(rest.size() - 1);
        int colon = last.indexOf(':');
        if (colon < 0) {
            return null;
        }
        // Unscoped: {version}/models/<model>:verb and nothing else, since segments before "models" would travel
        // upstream in the provider path to whatever provider the model resolves to. A scoped path is the provider's
        // own (Vertex: projects/<p>/locations/<l>/publishers/google/models/<m>:verb) and is the client's to choose.
        int modelsAt = scopedProvider != null ? rest.lastIndexOf("models") : rest.get(0).equals("models") ? 0 : -1;
        if (modelsAt < 0 || modelsAt == rest.size() - 1) {
            return null;
        }
        String verb = last.substring(colon + 1);
        List<String> modelSegments = new ArrayList<>(rest.subList(modelsAt + 1, rest.size()));
        modelSegments.set(modelSegments.size() - 1, last.substring(0, colon));
        String model = String.join("/", modelSegments);
        if (model.isEmpty() || model.startsWith("/") || model.endsWith("/")) {
            return null;
        }
        return switch (verb) {
            case "generateContent" -> new PathMatch(Operation.GENERATE_CONTENT, OperationKind.GEMINI_GENERATE_CONTENT, false, model, scopedProvider, providerPath);
            case "streamGenerateContent" -> new PathMatch(Operation.STREAM_GENERATE_CONTENT, OperationKind.GEMINI_GENERATE_CONTENT, false, model, scopedProvider, providerPath);
            case "countTokens" -> new PathMatch(Operation.COUNT_TOKENS, OperationKind.GEMINI, false, model, scopedProvider, providerPath);
            case "embedContent", "batchEmbedContents" -> new PathMatch(Operation.CREATE_EMBEDDING, OperationKind.GEMINI, false, model, scopedProvider, providerPath);
            default -> null;
        };
    }

    private static PathMatch nonContent(Operation op, OperationKind kind, String scopedProvider, String providerPath) {
        return new PathMatch(op, kind, false, null, scopedProvider, providerPath);
    }

    /**
     * Splits a raw path into percent-decoded segments. Empty segments (double slashes, trailing slash) are dropped;
     * dot segments, NUL and an encoded slash inside a segment are refused.
     */
    static List<String> decodeSegments(String rawPath) throws UnsupportedPathException {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw new UnsupportedPathException("unsupported path");
        }
        List<String> out = new ArrayList<>();
        for (String raw : rawPath.substring(1).split("/", -1)) {
            if (raw.isEmpty()) {
                continue;
            }
            String seg = percentDecode(raw);
            if (seg.equals(".") || seg.equals("..") || seg.indexOf('/') >= 0 || seg.indexOf('\\') >= 0
                    || seg.indexOf('\0') >= 0) {
                throw new UnsupportedPathException("unsupported path");
            }
            out.add(seg);
        }
        return out;
    }

    private static String percentDecode(String s) throws UnsupportedPathException {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new UnsupportedPathException("unsupported path");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new UnsupportedPathException("unsupported path");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int end = s.indexOf('%', i);
                byte[] b = s.substring(i, end < 0 ? s.length() : end).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i = (end < 0 ? s.length() : end) - 1;
            }
        }
        // strictly UTF-8: an overlong or broken sequence (%C0%AF, the classic encoded '/') is refused, not replaced
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UnsupportedPathException("unsupported path");
        }
    }
}
